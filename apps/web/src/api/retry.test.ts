import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { backoffMs, isRetryable, withRetry } from './retry';

describe('backoffMs', () => {
  it('grows exponentially to a cap, with half of each step random', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffMs(n, () => 0))).toEqual([250, 500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3, 10].map((n) => backoffMs(n, () => 1))).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(backoffMs(2, () => 0.5)).toBe(1500);
  });
});

describe('withRetry', () => {
  const refusal = (code: ConstructorParameters<typeof ApiError>[0]) => new ApiError(code, code);

  it('retries rate limits, outages and timeouts with backoff, then succeeds', async () => {
    const waits: number[] = [];
    const failures = [refusal('rate_limited'), refusal('unavailable'), refusal('timeout')];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        const next = failures.shift();
        if (next) throw next;
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(waits).toEqual([250, 500, 1000]);
  });

  it('passes an answer that retrying cannot change through at once', async () => {
    let calls = 0;
    const run = async () => {
      calls++;
      throw refusal('forbidden');
    };
    await expect(withRetry(run, { sleep: async () => undefined })).rejects.toMatchObject({ code: 'forbidden' });
    expect(calls).toBe(1);
    expect(isRetryable('forbidden')).toBe(false);
  });

  it('gives up after the last attempt, and early once the caller no longer wants the answer', async () => {
    let calls = 0;
    const run = async () => {
      calls++;
      throw refusal('rate_limited');
    };
    await expect(withRetry(run, { attempts: 3, sleep: async () => undefined })).rejects.toMatchObject({ code: 'rate_limited' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetry(run, { wanted: () => false, sleep: async () => undefined })).rejects.toMatchObject({ code: 'rate_limited' });
    expect(calls).toBe(1);
  });
});

describe('withRetry for requests that must not run twice', () => {
  it('does not retry a timeout, which may have been carried out', async () => {
    let calls = 0;
    const run = async () => {
      calls++;
      throw new ApiError('timeout', 'no answer');
    };
    await expect(withRetry(run, { timeouts: false, sleep: async () => undefined })).rejects.toMatchObject({ code: 'timeout' });
    expect(calls).toBe(1);
  });
});
