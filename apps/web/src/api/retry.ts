import type { ClientErrorCode } from './errors';
import { toApiError } from './errors';

/**
 * Refusals that another try can fix: the server asked us to slow down, was briefly
 * unavailable, or did not answer in time. Anything else is an answer, to be shown.
 */
const RETRYABLE: ReadonlySet<ClientErrorCode> = new Set<ClientErrorCode>(['rate_limited', 'unavailable', 'timeout']);

export function isRetryable(code: ClientErrorCode): boolean {
  return RETRYABLE.has(code);
}

/**
 * Delay before retry `attempt` (0-based): exponential from 500 ms, capped at 8 s, with "equal
 * jitter" (half fixed, half random) so a room full of clients refused at once does not come
 * back at once.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(8_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Checked before each retry: stop quietly (rethrow) once the caller no longer cares. */
  wanted?: () => boolean;
  /**
   * Whether a `timeout` is retried (default true). False for requests that must not happen
   * twice (creating a producer): a timed-out request may have been carried out after all.
   */
  timeouts?: boolean;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `run`, retrying with jittered backoff while it fails with a retryable code. */
export async function withRetry<T>(run: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = toApiError(error).code;
      if (!isRetryable(code) || (code === 'timeout' && options.timeouts === false) || attempt + 1 >= attempts || options.wanted?.() === false) throw error;
      await (options.sleep ?? sleep)(backoffMs(attempt, options.random));
    }
  }
}
