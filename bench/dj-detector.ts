import type { Page } from 'playwright-core';
import { FREQS, keepNames } from './dj-bursts.js';

/**
 * Burst onsets, timestamped at the sample. An AudioWorklet sees every 128-frame block on the
 * audio thread and names the frame where a burst crosses the threshold; the page maps that
 * frame to the wall clock through its context's output timestamp — the instant that sample
 * reaches the speakers, the same reference the studio's emit marks use. No main-thread timer,
 * ScriptProcessor queue or analyser window stands between the sound and its timestamp.
 */

/** Where a detector listens: the app's remote <audio>, a plain <audio id>, or a MediaStream on window. */
export type BurstSource = { remote: true } | { element: string } | { stream: string };

/** The worklet's source, loaded from a blob: URL (pages whose CSP forbids that call bypassCsp first). */
const WORKLET = `
const THRESHOLD = 0.05;
const QUIET_FRAMES = 9600; // 200 ms of silence before an onset counts: the bursts are 600 ms apart
const WINDOW = 1024;
class BurstDetector extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.freqs = options.processorOptions.freqs;
    this.quiet = 0;
    this.collecting = null;
  }
  goertzel(samples, hz) {
    const k = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
    let s1 = 0, s2 = 0;
    for (let i = 0; i < samples.length; i++) { const s0 = samples[i] + k * s1 - s2; s2 = s1; s1 = s0; }
    return s1 * s1 + s2 * s2 - k * s1 * s2;
  }
  process(inputs) {
    const data = inputs[0] && inputs[0][0];
    if (!data) return true;
    if (this.collecting) {
      const c = this.collecting;
      const take = Math.min(WINDOW - c.filled, data.length);
      c.samples.set(data.subarray(0, take), c.filled);
      c.filled += take;
      if (c.filled === WINDOW) {
        const powers = this.freqs.map((hz) => this.goertzel(c.samples, hz));
        this.port.postMessage({ frame: c.frame, idx: powers.indexOf(Math.max(...powers)) });
        this.collecting = null;
      }
      this.quiet = 0;
      return true;
    }
    let first = -1;
    for (let i = 0; i < data.length; i++) if (Math.abs(data[i]) > THRESHOLD) { first = i; break; }
    if (first >= 0 && this.quiet >= QUIET_FRAMES) {
      const samples = new Float32Array(WINDOW);
      samples.set(data.subarray(first));
      this.collecting = { frame: currentFrame + first, samples, filled: data.length - first };
    }
    this.quiet = first >= 0 ? 0 : this.quiet + data.length;
    return true;
  }
}
registerProcessor('burst-detector', BurstDetector);
`;

/**
 * Starts one detector per named source in `page` (one AudioContext for all of them); onsets
 * collect in window.__onsets[name] as { t: wall-clock ms, idx: burst identity }.
 */
export async function detectBursts(page: Page, sources: Record<string, BurstSource>): Promise<void> {
  await keepNames(page);
  await page.evaluate(
    async ({ sources, freqs, worklet }) => {
      const w = window as unknown as { __onsets?: Record<string, { t: number; idx: number }[]>; __detectCtx?: AudioContext };
      const ctx = (w.__detectCtx ??= new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' }));
      const url = URL.createObjectURL(new Blob([worklet], { type: 'text/javascript' }));
      await ctx.audioWorklet.addModule(url);
      URL.revokeObjectURL(url);
      await ctx.resume();
      const onsets = (w.__onsets ??= {});
      for (const [name, source] of Object.entries(sources)) {
        let node: AudioNode;
        if ('remote' in source) {
          const el = document.querySelector<HTMLAudioElement>('audio[data-testid="remote-audio"]');
          if (!(el?.srcObject instanceof MediaStream)) throw new Error('no remote audio');
          node = ctx.createMediaStreamSource(el.srcObject);
        } else if ('element' in source) {
          node = ctx.createMediaElementSource(document.getElementById(source.element) as HTMLAudioElement);
        } else {
          const stream = (window as unknown as Record<string, MediaStream | undefined>)[source.stream];
          if (!stream) throw new Error(`no stream ${source.stream}`);
          node = ctx.createMediaStreamSource(stream);
        }
        const detector = new AudioWorkletNode(ctx, 'burst-detector', { processorOptions: { freqs }, channelCount: 1, channelCountMode: 'explicit' });
        node.connect(detector);
        detector.connect(ctx.destination); // pulled by the graph; it outputs silence
        const list: { t: number; idx: number }[] = (onsets[name] = []);
        detector.port.onmessage = ({ data }: MessageEvent<{ frame: number; idx: number }>) => {
          // A fresh output timestamp: context time → the wall-clock instant it is presented.
          const stamp = ctx.getOutputTimestamp();
          const at = data.frame / ctx.sampleRate;
          list.push({ t: performance.timeOrigin + stamp.performanceTime! + (at - stamp.contextTime!) * 1000, idx: data.idx });
        };
      }
    },
    { sources, freqs: FREQS, worklet: WORKLET },
  );
}

/**
 * The app's Content-Security-Policy (script-src 'self') refuses a blob: worklet, and Playwright
 * cannot route a worklet's fetch: the bench's pages skip the policy. Call before navigating.
 */
export async function bypassCsp(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
}

/** The onsets one named detector collected so far. */
export const onsets = (page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as { __onsets?: Record<string, { t: number; idx: number }[]> }).__onsets?.[n] ?? [], name);
