import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EARLY_HOLD_MS, EarlyArrivals, type Arrival } from './early-arrivals';

const arrival = (peer: string) => ({ peer, closed: false, close() { this.closed = true; } });

describe('early arrivals', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands a dial over once the member list admits its peer', () => {
    const admitted: Arrival[] = [];
    const early = new EarlyArrivals((a) => admitted.push(a));
    const a = arrival('newcomer');
    early.hold(a);
    early.membersChanged(new Set(['someone else']));
    expect(admitted).toEqual([]);
    vi.advanceTimersByTime(EARLY_HOLD_MS - 1);
    early.membersChanged(new Set(['newcomer']));
    expect(admitted).toEqual([a]);
    vi.advanceTimersByTime(EARLY_HOLD_MS);
    expect(a.closed).toBe(false);
  });

  it('closes what the list never admits, and what a newer dial of the same peer replaces', () => {
    const admitted: Arrival[] = [];
    const early = new EarlyArrivals((a) => admitted.push(a));
    const first = arrival('stranger');
    const second = arrival('stranger');
    early.hold(first);
    early.hold(second);
    expect(first.closed).toBe(true);
    vi.advanceTimersByTime(EARLY_HOLD_MS);
    expect(second.closed).toBe(true);
    early.membersChanged(new Set(['stranger']));
    expect(admitted).toEqual([]);
  });

  it('closes everything it holds when the mesh closes', () => {
    const early = new EarlyArrivals(() => undefined);
    const a = arrival('x');
    early.hold(a);
    early.close();
    expect(a.closed).toBe(true);
  });
});
