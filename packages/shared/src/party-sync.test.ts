import { describe, expect, it } from 'vitest';
import { SYNC } from './party.js';
import { correctDrift, estimateOffset } from './party-sync.js';

describe('clock offset', () => {
  it('trusts the sample with the shortest round trip', () => {
    const samples = [
      { sentAt: 0, serverTime: 5_100, receivedAt: 200 }, // slow and lopsided
      { sentAt: 1000, serverTime: 6_005, receivedAt: 1010 },
      { sentAt: 2000, serverTime: 7_060, receivedAt: 2080 },
    ];
    expect(estimateOffset(samples)).toEqual({ offsetMs: 5000, rttMs: 10 });
    expect(estimateOffset([])).toBeUndefined();
  });
});

describe('drift control', () => {
  const step = (driftMs: number, nudging = false) => correctDrift({ driftMs, partyRate: 1, expectedS: 10, nudging });

  it('leaves small drift alone, nudges the rate toward the party in proportion, and seeks when far off', () => {
    expect(step(10)).toEqual({ kind: 'none' });
    const behind = step(-150);
    expect(behind.kind).toBe('rate');
    expect(behind.kind === 'rate' && behind.rate).toBeCloseTo(1.1);
    const ahead = step(60);
    expect(ahead.kind === 'rate' && ahead.rate).toBeCloseTo(0.96);
    expect(step(SYNC.seekBeyondMs + 1)).toEqual({ kind: 'seek', position: 10 + SYNC.seekAheadMs / 1000 });
  });

  it('keeps nudging until drift is well inside the deadband, then restores the party rate (no flapping)', () => {
    expect(step(SYNC.deadbandMs - 1, true).kind).toBe('rate');
    expect(step(SYNC.releaseMs - 1, true)).toEqual({ kind: 'rate', rate: 1 });
    expect(step(SYNC.deadbandMs - 1, false)).toEqual({ kind: 'none' });
  });
});
