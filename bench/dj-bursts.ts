import type { Page } from 'playwright-core';

/**
 * Tone bursts with an identity: burst i plays FREQS[i % FREQS.length] for BURST_MS, every
 * SPACING_MS, so a listener seconds behind (Icecast) still tells which burst it heard. Times are
 * wall-clock milliseconds on this machine, shared by every page and the Node process.
 */
// 40 identities: a cycle of 24 s, so a listener up to 12 s behind (Icecast on a busy machine) still matches.
export const FREQS = Array.from({ length: 40 }, (_, k) => 500 + 100 * k);
export const BURST_MS = 60;
export const SPACING_MS = 600;
/** The first burst plays this long after emitBursts: time for the detectors to start. */
export const LEAD_S = 3;

export interface Mark {
  /** Wall-clock ms (epoch). */
  t: number;
  idx: number;
}

/** tsx keeps function names with a `__name` helper the page does not have: give it one. */
export const keepNames = (page: Page) => page.evaluate('window.__name = (f) => f');

/** In the studio page: schedules `count` bursts into the page's audio output, recording when each plays (window.__emitted). */
export async function emitBursts(page: Page, count: number): Promise<void> {
  await keepNames(page);
  await page.evaluate(
    ({ count, freqs, burstMs, spacingMs, LEAD_S }) => {
      const ctx = new AudioContext({ sampleRate: 48000 });
      const emitted: { t: number; idx: number }[] = [];
      (window as unknown as { __emitted: typeof emitted }).__emitted = emitted;
      // The bursts as a MediaStream too: detected there, they measure the detector's own tap.
      const tap = new MediaStreamAudioDestinationNode(ctx);
      (window as unknown as { __stageTap: MediaStream }).__stageTap = tap.stream;
      const start = ctx.currentTime + LEAD_S;
      for (let i = 0; i < count; i++) {
        const at = start + (i * spacingMs) / 1000;
        const osc = ctx.createOscillator();
        osc.frequency.value = freqs[i % freqs.length]!;
        const gain = ctx.createGain();
        gain.gain.value = 0.5;
        osc.connect(gain).connect(ctx.destination);
        gain.connect(tap);
        osc.start(at);
        osc.stop(at + burstMs / 1000);
      }
      // Context time → wall clock through the output's own timestamp (when it reaches the
      // speakers), taken fresh as each burst comes due: the audio clock may drift from the wall.
      const mapper = setInterval(() => {
        const stamp = ctx.getOutputTimestamp();
        if (!stamp.contextTime || !stamp.performanceTime) return;
        const wall = (contextTime: number) => performance.timeOrigin + stamp.performanceTime! + (contextTime - stamp.contextTime!) * 1000;
        while (emitted.length < count) {
          const at = start + (emitted.length * spacingMs) / 1000;
          if (at > stamp.contextTime + 0.1) break;
          emitted.push({ t: wall(at), idx: emitted.length % freqs.length });
        }
        if (emitted.length === count) clearInterval(mapper);
      }, 20);
    },
    { count, freqs: FREQS, burstMs: BURST_MS, spacingMs: SPACING_MS, LEAD_S },
  );
}

/** Each emitted burst's delay to the first detection of the same identity after it. */
export function latencies(emitted: Mark[], heard: Mark[]): number[] {
  // Within half a cycle: a missed burst must not match the same tone one cycle later.
  const window = (FREQS.length * SPACING_MS) / 2;
  return emitted.flatMap((e) => {
    const match = heard.find((h) => h.idx === e.idx && h.t > e.t && h.t - e.t < window);
    return match ? [match.t - e.t] : [];
  });
}

