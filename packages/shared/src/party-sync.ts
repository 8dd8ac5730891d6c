import { SYNC } from './party.js';

/**
 * The member's side of the party clock, pure so the page, the bench and tests share it:
 * estimating the offset to the server's clock, and deciding how to correct drift.
 */

export interface ClockSample {
  /** Local ms when the request left. */
  sentAt: number;
  serverTime: number;
  /** Local ms when the answer came back. */
  receivedAt: number;
}

/**
 * NTP-style: each sample puts the server's reading at the midpoint of its round trip; the one
 * with the shortest round trip has the least room for asymmetric delay, so it wins.
 * `offsetMs` is what to add to the local clock to read the server's.
 */
export function estimateOffset(samples: readonly ClockSample[]): { offsetMs: number; rttMs: number } | undefined {
  let best: ClockSample | undefined;
  for (const s of samples) if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
  if (!best) return undefined;
  return { offsetMs: best.serverTime - (best.sentAt + best.receivedAt) / 2, rttMs: best.receivedAt - best.sentAt };
}

export type Correction = { kind: 'none' } | { kind: 'rate'; rate: number } | { kind: 'seek'; position: number };

/**
 * One step of drift control. `driftMs` is the element's position minus where the party is
 * (positive: ahead). Small drift is closed by a proportional playbackRate nudge within
 * ±SYNC.maxNudge; a nudge, once on, stays on until drift is under SYNC.releaseMs (hysteresis,
 * so it does not flap at the deadband's edge); large drift seeks, aiming a little ahead.
 */
export function correctDrift(input: { driftMs: number; partyRate: number; expectedS: number; nudging: boolean }): Correction {
  const { driftMs, partyRate, expectedS, nudging } = input;
  const size = Math.abs(driftMs);
  if (size > SYNC.seekBeyondMs) return { kind: 'seek', position: Math.max(0, expectedS + (SYNC.seekAheadMs / 1000) * partyRate) };
  if (size < (nudging ? SYNC.releaseMs : SYNC.deadbandMs)) return nudging ? { kind: 'rate', rate: partyRate } : { kind: 'none' };
  const nudge = Math.max(-SYNC.maxNudge, Math.min(SYNC.maxNudge, -driftMs / (SYNC.closeInS * 1000)));
  return { kind: 'rate', rate: partyRate * (1 + nudge) };
}
