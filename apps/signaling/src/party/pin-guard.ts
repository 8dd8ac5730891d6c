import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PARTY } from '@roomcast/shared';
import type { Clock } from '../rooms/clock.js';

/**
 * Wrong PINs: each person may miss PARTY.pinAttemptsPerPerson times within the window, the
 * whole party PARTY.pinAttemptsPerParty times (guests are cheap to make); past either, PIN
 * entry is locked for PARTY.pinLockoutMs — a right PIN included, or guessing would go on.
 * Async and interface-first like the other shared state: a Redis guard drops in.
 */
export type PinVerdict = 'ok' | 'wrong' | 'locked';

export interface PinGuard {
  /** Records one attempt and answers how it went. `correct` is whether the PIN matched. */
  attempt(roomId: string, userId: string, correct: boolean): Promise<{ verdict: PinVerdict; retryAt?: number }>;
  forget(roomId: string): Promise<void>;
}

interface Misses {
  times: number[];
  lockedUntil: number;
}

export class MemoryPinGuard implements PinGuard {
  readonly #misses = new Map<string, Misses>();

  constructor(private readonly clock: Clock) {}

  async attempt(roomId: string, userId: string, correct: boolean): Promise<{ verdict: PinVerdict; retryAt?: number }> {
    const now = this.clock();
    const keys = [[`${roomId}\u0000${userId}`, PARTY.pinAttemptsPerPerson], [`${roomId}\u0000*`, PARTY.pinAttemptsPerParty]] as const;
    const entries = keys.map(([key, max]) => ({ key, max, misses: this.#current(key, now) }));
    const locked = Math.max(...entries.map((e) => e.misses.lockedUntil));
    if (locked > now) return { verdict: 'locked', retryAt: locked };
    if (correct) return { verdict: 'ok' };
    let retryAt: number | undefined;
    for (const { key, max, misses } of entries) {
      misses.times.push(now);
      if (misses.times.length >= max) {
        misses.lockedUntil = now + PARTY.pinLockoutMs;
        misses.times = [];
        retryAt = misses.lockedUntil;
      }
      this.#misses.set(key, misses);
    }
    return retryAt === undefined ? { verdict: 'wrong' } : { verdict: 'locked', retryAt };
  }

  async forget(roomId: string): Promise<void> {
    for (const key of this.#misses.keys()) if (key.startsWith(`${roomId}\u0000`)) this.#misses.delete(key);
  }

  /** The key's misses inside the window (stale ones dropped, so memory stays bounded by recent abuse). */
  #current(key: string, now: number): Misses {
    const found = this.#misses.get(key);
    if (!found) return { times: [], lockedUntil: 0 };
    const times = found.times.filter((t) => t > now - PARTY.pinWindowMs);
    if (times.length === 0 && found.lockedUntil <= now) this.#misses.delete(key);
    return { times, lockedUntil: found.lockedUntil };
  }
}

/** A salted hash: a stored party never holds its PIN in the clear. */
export function hashPin(pin: string): string {
  const salt = randomBytes(12).toString('base64url');
  return `${salt}.${createHash('sha256').update(`${salt}:${pin}`).digest('base64url')}`;
}

export function pinMatches(pinHash: string, pin: string | undefined): boolean {
  if (pin === undefined) return false;
  const [salt, digest] = pinHash.split('.');
  const actual = createHash('sha256').update(`${salt}:${pin}`).digest();
  const expected = Buffer.from(digest ?? '', 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
