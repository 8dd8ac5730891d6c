import { RateLimiterRes } from 'rate-limiter-flexible';
import { RetryLaterError } from '../http/errors.js';
import type { Limiter } from './limiters.js';

/** "3 minutes", "45 seconds": how long until a limiter lets the client try again. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The usual refusal: "<what>; try again in <wait>", with Retry-After. */
export const tryAgainLater = (what: string) => (waitMs: number): RetryLaterError =>
  new RetryLaterError('rate_limited', `${what}; try again in ${waitText(waitMs)}`, waitMs / 1000);

/**
 * Spends `points` of `key`; when they are spent, throws what `refuse` makes of the wait.
 * rate-limiter-flexible rejects with its state (a RateLimiterRes), or with an Error when the
 * store itself failed — that one is a server fault and passes through.
 */
export async function consume(limiter: Limiter, key: string, refuse: (waitMs: number) => RetryLaterError, points = 1): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw refuse(rejection.msBeforeNext);
    throw rejection;
  }
}
