import type { Page } from 'playwright-core';

export interface ToneReport {
  /** Frequency (Hz) of the strongest FFT bin in each analysed frame. */
  peaks: number[];
  /** Fraction of frames whose peak lies within tolerance of the expected frequency. */
  share: number;
}

/**
 * Listens to the remote audio of one peer, as the page receives it, and reports the dominant
 * frequency of each FFT frame (~170 ms each). The audio is read from the <audio> element's MediaStream: that is
 * the decoded output of the real WebRTC path (SFU → SRTP → Opus decoder).
 */
export async function detectTone(page: Page, peerId: string, expectedHz: number, frames = 40, toleranceHz = 30): Promise<ToneReport> {
  const peaks = await page.evaluate(
    async ({ peerId, frames }) => {
      const el = document.querySelector<HTMLAudioElement>(`audio[data-testid="remote-audio"][data-peer-id="${peerId}"]`);
      if (!el || !(el.srcObject instanceof MediaStream)) throw new Error(`no remote audio for peer ${peerId}`);
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      const source = ctx.createMediaStreamSource(el.srcObject);
      source.connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const binHz = ctx.sampleRate / analyser.fftSize;
      // The audio clock paces the reads: one frame per 8192-sample block, no timers.
      const clock = ctx.createScriptProcessor(8192, 1, 1);
      source.connect(clock);
      clock.connect(ctx.destination);
      const found = await new Promise<number[]>((resolve, reject) => {
        const out: number[] = [];
        const guard = setTimeout(() => reject(new Error(`audio clock stalled after ${out.length} frames`)), frames * 1000);
        clock.onaudioprocess = () => {
          analyser.getFloatFrequencyData(bins);
          let best = 0;
          for (let b = 1; b < bins.length; b++) if (bins[b]! > bins[best]!) best = b;
          out.push(bins[best]! > -90 ? best * binHz : 0);
          if (out.length === frames) (clearTimeout(guard), resolve(out));
        };
      });
      clock.disconnect();
      await ctx.close();
      return found;
    },
    { peerId, frames },
  );
  const share = peaks.filter((p) => Math.abs(p - expectedHz) <= toleranceHz).length / peaks.length;
  return { peaks, share };
}
