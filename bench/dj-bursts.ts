import type { Page } from 'playwright-core';

/**
 * Tone bursts with an identity: burst i plays FREQS[i % FREQS.length] for BURST_MS, every
 * SPACING_MS, so a listener seconds behind (Icecast) still tells which burst it heard. Times are
 * wall-clock milliseconds on this machine, shared by every page and the Node process.
 */
export const FREQS = Array.from({ length: 24 }, (_, k) => 500 + 100 * k);
export const BURST_MS = 60;
export const SPACING_MS = 600;

export interface Mark {
  /** Wall-clock ms (epoch). */
  t: number;
  idx: number;
}

/** tsx keeps function names with a `__name` helper the page does not have: give it one. */
const keepNames = (page: Page) => page.evaluate('window.__name = (f) => f');

/** In the studio page: schedules `count` bursts into the page's audio output, recording when each plays. */
export async function emitBursts(page: Page, count: number): Promise<void> {
  await keepNames(page);
  await page.evaluate(
    ({ count, freqs, burstMs, spacingMs }) => {
      const ctx = new AudioContext({ sampleRate: 48000 });
      const emitted: { t: number; idx: number }[] = [];
      (window as unknown as { __emitted: typeof emitted }).__emitted = emitted;
      const start = ctx.currentTime + 1;
      for (let i = 0; i < count; i++) {
        const at = start + (i * spacingMs) / 1000;
        const osc = ctx.createOscillator();
        osc.frequency.value = freqs[i % freqs.length]!;
        const gain = ctx.createGain();
        gain.gain.value = 0.5;
        osc.connect(gain).connect(ctx.destination);
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
    { count, freqs: FREQS, burstMs: BURST_MS, spacingMs: SPACING_MS },
  );
}

/**
 * In a listener page: finds burst onsets in `source` ('remote': the app's remote audio element;
 * 'element': a plain <audio id="stream">), timestamps each at the sample where it crosses the
 * threshold, and names it by its strongest frequency over the next 1024 samples.
 */
export async function detectBursts(page: Page, source: 'remote' | 'element'): Promise<void> {
  await keepNames(page);
  await page.evaluate(
    async ({ source, freqs }) => {
      const ctx = new AudioContext({ sampleRate: 48000 });
      await ctx.resume();
      let node: AudioNode;
      if (source === 'remote') {
        const el = document.querySelector<HTMLAudioElement>('audio[data-testid="remote-audio"]')!;
        node = ctx.createMediaStreamSource(el.srcObject as MediaStream);
      } else {
        node = ctx.createMediaElementSource(document.getElementById('stream') as HTMLAudioElement);
      }
      const block = 256;
      const proc = ctx.createScriptProcessor(block, 1, 1);
      node.connect(proc);
      proc.connect(ctx.destination);
      const onsets: { t: number; idx: number }[] = [];
      (window as unknown as { __onsets: typeof onsets }).__onsets = onsets;
      const threshold = 0.05;
      let quiet = 0;
      let collecting: { t: number; samples: number[] } | null = null;
      const goertzel = (samples: number[], hz: number) => {
        const k = 2 * Math.cos((2 * Math.PI * hz) / ctx.sampleRate);
        let s1 = 0;
        let s2 = 0;
        for (const x of samples) {
          const s0 = x + k * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2;
      };
      proc.onaudioprocess = (event) => {
        const now = performance.timeOrigin + performance.now();
        const data = event.inputBuffer.getChannelData(0);
        if (collecting) {
          collecting.samples.push(...data);
          if (collecting.samples.length >= 1024) {
            const powers = freqs.map((hz) => goertzel(collecting!.samples.slice(0, 1024), hz));
            onsets.push({ t: collecting.t, idx: powers.indexOf(Math.max(...powers)) });
            collecting = null;
          }
          return;
        }
        const first = data.findIndex((x) => Math.abs(x) > threshold);
        if (first >= 0 && quiet >= 40) {
          // The block ended about now; its sample `first` arrived (block - first) samples earlier.
          const t = now - ((block - first) / ctx.sampleRate) * 1000;
          collecting = { t, samples: Array.from(data.subarray(first)) };
        }
        quiet = first >= 0 ? 0 : quiet + 1;
      };
    },
    { source, freqs: FREQS },
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

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
