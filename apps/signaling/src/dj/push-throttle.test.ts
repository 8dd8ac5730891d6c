import { describe, expect, it } from 'vitest';
import { PushThrottle, type Timers } from './push-throttle.js';

/** Hand-driven time: timers fire only when the test advances the clock. */
function fakeTime() {
  let now = 1_000_000;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => (due.set(++next, { at: now + ms, fn }), next),
    clearTimeout: (h) => void due.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const [id, t] = [...due].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (!t) break;
      due.delete(id!);
      now = t.at;
      t.fn();
    }
    now = end;
  };
  return { clock: () => now, timers, advance };
}

describe('PushThrottle', () => {
  it('turns 1,000 joins over three seconds into at most two pushes a second, the last one carrying the final count', async () => {
    const time = fakeTime();
    let count = 0;
    const pushes: { at: number; count: number }[] = [];
    const throttle = new PushThrottle(500, async () => void pushes.push({ at: time.clock(), count }), time.clock, time.timers);
    for (let i = 0; i < 1000; i++) {
      count++;
      throttle.touch('room');
      time.advance(3);
    }
    time.advance(1000);
    const start = pushes[0]!.at;
    for (let t = start; t <= pushes.at(-1)!.at; t += 50) {
      expect(pushes.filter((p) => p.at >= t && p.at < t + 1000).length).toBeLessThanOrEqual(2);
    }
    expect(pushes.length).toBeGreaterThanOrEqual(6);
    expect(pushes.at(-1)!.count).toBe(1000);
  });

  it('pushes a lone change at once and keeps rooms apart', () => {
    const time = fakeTime();
    const pushed: string[] = [];
    const throttle = new PushThrottle(500, async (key) => void pushed.push(key), time.clock, time.timers);
    throttle.touch('a');
    throttle.touch('b');
    throttle.touch('a');
    time.advance(0);
    expect(pushed).toEqual(['a', 'b']);
    throttle.touch('a');
    time.advance(499);
    expect(pushed).toEqual(['a', 'b']);
    time.advance(1);
    expect(pushed).toEqual(['a', 'b', 'a']);
    throttle.touch('b');
    throttle.forget('b');
    time.advance(1000);
    expect(pushed).toEqual(['a', 'b', 'a']);
  });
});
