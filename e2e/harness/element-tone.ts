import type { Page } from 'playwright-core';

/**
 * The dominant frequency of each ~170 ms frame of what a media element plays (an `<audio src>`,
 * not a WebRTC stream): the element is routed through WebAudio, so this is the decoded output
 * of the bytes it was given. The audio clock paces the frames: no timers.
 */
export async function elementPeaks(page: Page, selector: string, frames = 20): Promise<number[]> {
  return page.evaluate(
    async ({ selector, frames }) => {
      const el = document.querySelector<HTMLMediaElement>(selector);
      if (!el) throw new Error(`no media element ${selector}`);
      const w = window as unknown as { __elementTone?: { ctx: AudioContext; analyser: AnalyserNode; clock: ScriptProcessorNode } };
      if (!w.__elementTone) {
        // One source per element for its whole life: WebAudio allows only one.
        const ctx = new AudioContext();
        const source = ctx.createMediaElementSource(el);
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 8192;
        source.connect(analyser);
        analyser.connect(ctx.destination);
        const clock = ctx.createScriptProcessor(8192, 1, 1);
        source.connect(clock);
        clock.connect(ctx.destination);
        w.__elementTone = { ctx, analyser, clock };
      }
      const { ctx, analyser, clock } = w.__elementTone;
      await ctx.resume();
      const bins = new Float32Array(analyser.frequencyBinCount);
      const binHz = ctx.sampleRate / analyser.fftSize;
      return new Promise<number[]>((resolve, reject) => {
        const out: number[] = [];
        const guard = setTimeout(() => reject(new Error(`audio clock stalled after ${out.length} frames`)), frames * 1000 + 5000);
        clock.onaudioprocess = () => {
          analyser.getFloatFrequencyData(bins);
          let best = 0;
          for (let b = 1; b < bins.length; b++) if (bins[b]! > bins[best]!) best = b;
          out.push(bins[best]! > -90 ? best * binHz : 0);
          if (out.length === frames) {
            clock.onaudioprocess = null;
            clearTimeout(guard);
            resolve(out);
          }
        };
      });
    },
    { selector, frames },
  );
}

/** Share of frames whose peak lies within `toleranceHz` of `hz`. */
export const shareNear = (peaks: number[], hz: number, toleranceHz = 20): number => peaks.filter((p) => Math.abs(p - hz) <= toleranceHz).length / peaks.length;
