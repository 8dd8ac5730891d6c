import { describe, expect, it } from 'vitest';
import { FairLimiter, type LimiterClock } from './fair-limiter.js';

/** A clock the test moves by hand: timers fire when their time is reached. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: LimiterClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => void (timers = timers.filter((t) => t !== h)),
  };
  const advance = async (ms: number) => {
    const end = now + ms;
    const flush = () => new Promise((r) => setImmediate(r));
    for (;;) {
      await flush();
      const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      timers = timers.filter((t) => t !== next);
      now = next.at;
      next.fn();
      // Let the granted streams run up to their next take().
      await new Promise((r) => setImmediate(r));
    }
    now = end;
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advance };
}

describe('FairLimiter', () => {
  it('holds two streams to the cap together and shares it evenly', async () => {
    const { clock, advance } = manualClock();
    const limiter = new FairLimiter(100_000, clock);
    const sent = { a: 0, b: 0 };
    const stream = async (key: 'a' | 'b') => {
      for (;;) {
        await limiter.take(key, 10_000);
        sent[key] += 10_000;
      }
    };
    void stream('a');
    void stream('b');
    await advance(10_000);
    const total = sent.a + sent.b;
    // 10 s at 100 kB/s, plus at most one burst and one chunk.
    expect(total).toBeLessThanOrEqual(1_000_000 + 10_000 + 10_000);
    expect(total).toBeGreaterThanOrEqual(980_000);
    expect(Math.abs(sent.a - sent.b)).toBeLessThanOrEqual(10_000);
    limiter.close();
  });

  it('gives one stream alone the whole rate, and none at all without a cap', async () => {
    const { clock, advance } = manualClock();
    const limiter = new FairLimiter(50_000, clock);
    let sent = 0;
    void (async () => {
      for (;;) {
        await limiter.take('solo', 5_000);
        sent += 5_000;
      }
    })();
    await advance(4_000);
    expect(sent).toBeGreaterThanOrEqual(195_000);
    expect(sent).toBeLessThanOrEqual(215_000);
    limiter.close();
    await new FairLimiter(undefined).take('x', 1e9);
  });
});
