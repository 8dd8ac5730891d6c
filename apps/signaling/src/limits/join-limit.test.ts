import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetryLaterError } from '../http/errors.js';
import { JoinLimit } from './join-limit.js';
import { memoryLimiters } from './limiters.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The refusal of a join, or 'ok'. */
const attempt = (limit: JoinLimit, userId: string, address: string) =>
  limit.take(userId, address).then(
    () => 'ok',
    (error: unknown) => {
      expect(error).toBeInstanceOf(RetryLaterError);
      return (error as RetryLaterError).message;
    },
  );

describe('the join limit', () => {
  it('refuses an account past its joins per minute with the wait, counts addresses across accounts, and lets them back after the minute', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const limit = new JoinLimit(memoryLimiters(), { perAccountPerMinute: 3, perAddressPerMinute: 5 });
    const ada = await Promise.all([1, 2, 3, 4].map(() => attempt(limit, 'ada', '10.0.0.1')));
    expect(ada.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(ada[3]).toBe('too many room joins from your account; try again in 60 seconds');

    // Another account from the same address: the address has 2 of its 5 left.
    vi.advanceTimersByTime(15_000);
    const bob = [await attempt(limit, 'bob', '10.0.0.1'), await attempt(limit, 'bob', '10.0.0.1'), await attempt(limit, 'bob', '10.0.0.1')];
    expect(bob).toEqual(['ok', 'ok', 'too many room joins from your address; try again in 45 seconds']);
    // Another address is counted on its own.
    expect(await attempt(limit, 'cy', '10.0.0.2')).toBe('ok');

    vi.advanceTimersByTime(45_001);
    expect(await attempt(limit, 'ada', '10.0.0.1')).toBe('ok');
  });

  it('answers the wait in seconds for the Retry-After of HTTP callers', async () => {
    const limit = new JoinLimit(memoryLimiters(), { perAccountPerMinute: 1, perAddressPerMinute: 10 });
    await limit.take('u', 'a');
    const refused = await limit.take('u', 'a').catch((error: unknown) => error as RetryLaterError);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as RetryLaterError).retryAfterSeconds).toBeGreaterThan(55);
    expect((refused as RetryLaterError).retryAfterSeconds).toBeLessThanOrEqual(60);
  });
});
