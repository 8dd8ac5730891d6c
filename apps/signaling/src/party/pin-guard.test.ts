import { describe, expect, it } from 'vitest';
import { PARTY } from '@roomcast/shared';
import { hashPin, MemoryPinGuard, pinMatches } from './pin-guard.js';

describe('the PIN guard', () => {
  it('locks a person out after repeated misses, forgets misses after the window, and unlocks after the lockout', async () => {
    let now = 0;
    const guard = new MemoryPinGuard(() => now);
    for (let i = 0; i < PARTY.pinAttemptsPerPerson - 1; i++) expect((await guard.attempt('r', 'u', false)).verdict).toBe('wrong');
    // Misses older than the window no longer count.
    now += PARTY.pinWindowMs + 1;
    expect((await guard.attempt('r', 'u', false)).verdict).toBe('wrong');
    for (let i = 0; i < PARTY.pinAttemptsPerPerson - 2; i++) await guard.attempt('r', 'u', false);
    expect(await guard.attempt('r', 'u', false)).toEqual({ verdict: 'locked', retryAt: now + PARTY.pinLockoutMs });
    expect((await guard.attempt('r', 'u', true)).verdict).toBe('locked');
    expect((await guard.attempt('r', 'other', true)).verdict).toBe('ok');
    now += PARTY.pinLockoutMs;
    expect((await guard.attempt('r', 'u', true)).verdict).toBe('ok');
  });

  it('locks the whole party when many people guess', async () => {
    const guard = new MemoryPinGuard(() => 0);
    for (let i = 0; i < PARTY.pinAttemptsPerParty; i++) await guard.attempt('r', `guest-${i}`, false);
    expect((await guard.attempt('r', 'newcomer', true)).verdict).toBe('locked');
    expect((await guard.attempt('other-room', 'newcomer', true)).verdict).toBe('ok');
  });

  it('stores PINs salted and compares them', () => {
    const hash = hashPin('1234');
    expect(hash).not.toContain('1234');
    expect(hashPin('1234')).not.toBe(hash);
    expect(pinMatches(hash, '1234')).toBe(true);
    expect(pinMatches(hash, '12345')).toBe(false);
    expect(pinMatches(hash, undefined)).toBe(false);
  });
});
