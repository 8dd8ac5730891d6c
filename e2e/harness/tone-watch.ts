import type { Page } from 'playwright-core';

/**
 * Watches what a page hears from EVERYONE at once: every remote <audio> element's stream is
 * mixed into one analyser, and each ~43 ms audio frame records the level (dBFS) at each
 * frequency of interest. Speakers are told apart by their tone, so "hears 660 Hz" means
 * "hears B". Frames carry the page's wall-clock time (same machine as the test), so a test can
 * time a transition from an action it took.
 *
 * The analyser has no smoothing and a short window (4096 samples, ~85 ms), so a tone that
 * stops shows as gone within about one window, not the default's several hundred ms.
 */
export interface ToneFrame {
  /** Date.now() in the page when the frame was analysed. */
  t: number;
  /** dBFS at each watched frequency (strongest bin within ±BIN_SLACK_HZ). */
  db: Record<number, number>;
  /** Median dBFS of the speech band (100 Hz–4 kHz): the floor a tone must stand out from. */
  floor: number;
}

/** Above this, a tone is "heard": the test tones arrive around −30 dBFS; silence is below −90. */
export const PRESENT_DB = -60;
/**
 * …and it must stand this far above the frame's floor. A click or glitch lifts every bin at
 * once; a tone lifts only its own, so a broadband transient is never mistaken for a speaker.
 */
export const PROMINENCE_DB = 20;

/** Whether a frame carries the tone: loud enough, and a peak rather than broadband noise. */
export function heard(frame: ToneFrame, hz: number): boolean {
  const db = frame.db[hz] ?? -Infinity;
  return db > PRESENT_DB && db - frame.floor > PROMINENCE_DB;
}
const FRAME_SAMPLES = 2048;
const BIN_SLACK_HZ = 15;

export interface ToneWatch {
  /** Resolves with the time of the first of `frames` consecutive frames where `hz` is (not) heard. */
  waitFor(hz: number, present: boolean, options?: { timeoutMs?: number; frames?: number; since?: number }): Promise<number>;
  /** Share of the next `frames` frames in which each watched frequency is heard. */
  shares(frames?: number): Promise<Record<number, number>>;
  stop(): Promise<void>;
}

let nextId = 0;

export async function watchTones(page: Page, freqs: number[]): Promise<ToneWatch> {
  const id = `w${++nextId}`;
  await page.evaluate(
    async ({ id, freqs, frameSamples, slack }) => {
      const elements = Array.from(document.querySelectorAll<HTMLAudioElement>('audio[data-testid="remote-audio"]'));
      const streams = elements.map((el) => el.srcObject).filter((s): s is MediaStream => s instanceof MediaStream);
      if (!streams.length) throw new Error('no remote audio to watch');
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 4096;
      analyser.smoothingTimeConstant = 0;
      const mix = ctx.createGain();
      for (const stream of streams) ctx.createMediaStreamSource(stream).connect(mix);
      mix.connect(analyser);
      // The audio clock paces the reads: one frame per block, no timers.
      const clock = ctx.createScriptProcessor(frameSamples, 1, 1);
      mix.connect(clock);
      clock.connect(ctx.destination);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const binHz = ctx.sampleRate / analyser.fftSize;
      const frames: { t: number; db: Record<number, number>; floor: number }[] = [];
      clock.onaudioprocess = () => {
        analyser.getFloatFrequencyData(bins);
        const db: Record<number, number> = {};
        for (const hz of freqs) {
          let best = -Infinity;
          const lo = Math.max(1, Math.floor((hz - slack) / binHz));
          const hi = Math.min(bins.length - 1, Math.ceil((hz + slack) / binHz));
          for (let b = lo; b <= hi; b++) best = Math.max(best, bins[b]!);
          db[hz] = best;
        }
        const band = Array.from(bins.subarray(Math.floor(100 / binHz), Math.ceil(4000 / binHz))).sort((x, y) => x - y);
        frames.push({ t: Date.now(), db, floor: band[band.length >> 1] ?? -Infinity });
        if (frames.length > 2000) frames.splice(0, 1000);
      };
      const w = window as unknown as { __toneWatches?: Record<string, unknown> };
      w.__toneWatches ??= {};
      w.__toneWatches[id] = { frames, stop: () => (clock.disconnect(), ctx.close()) };
    },
    { id, freqs, frameSamples: FRAME_SAMPLES, slack: BIN_SLACK_HZ },
  );

  const waitFor: ToneWatch['waitFor'] = async (hz, present, options = {}) => {
    const { timeoutMs = 10_000, frames = 3, since = 0 } = options;
    const handle = await page.waitForFunction(
      ({ id, hz, present, frames, since, threshold, prominence }) => {
        const watch = (window as unknown as { __toneWatches: Record<string, { frames: ToneFrame[] }> }).__toneWatches[id]!;
        let streak = 0;
        for (const frame of watch.frames) {
          if (frame.t < since) continue;
          // Same rule as heard() below; this runs in the page, so it cannot call it.
          const db = frame.db[hz] ?? -Infinity;
          const heard = db > threshold && db - frame.floor > prominence;
          streak = heard === present ? streak + 1 : 0;
          if (streak === frames) return watch.frames[watch.frames.indexOf(frame) - frames + 1]!.t;
        }
        return false;
      },
      { id, hz, present, frames, since, threshold: PRESENT_DB, prominence: PROMINENCE_DB },
      { timeout: timeoutMs, polling: 25 },
    );
    return (await handle.jsonValue()) as number;
  };

  const shares: ToneWatch['shares'] = async (count = 30) => {
    const start = Date.now();
    const handle = await page.waitForFunction(
      ({ id, count, start }) => {
        const watch = (window as unknown as { __toneWatches: Record<string, { frames: ToneFrame[] }> }).__toneWatches[id]!;
        const recent = watch.frames.filter((f) => f.t >= start);
        return recent.length >= count ? recent.slice(0, count) : false;
      },
      { id, count, start },
      { timeout: count * 200 + 5_000, polling: 50 },
    );
    const frames = (await handle.jsonValue()) as ToneFrame[];
    return Object.fromEntries(
      freqs.map((hz) => [hz, frames.filter((f) => heard(f, hz)).length / frames.length]),
    );
  };

  const stop = async () => {
    await page
      .evaluate((id) => {
        const w = window as unknown as { __toneWatches: Record<string, { stop(): void }> };
        w.__toneWatches[id]?.stop();
        delete w.__toneWatches[id];
      }, id)
      .catch(() => undefined);
  };

  return { waitFor, shares, stop };
}
