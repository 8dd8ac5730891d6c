import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@roomcast/testkit';
import { RetryLaterError } from '../http/errors.js';
import { consume } from './consume.js';
import { memoryLimiters, redisLimiters, type Limiters } from './limiters.js';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: Limiters[] = [];
const open = (limiters: Limiters) => (opened.push(limiters), limiters);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

const refuse = (ms: number) => new RetryLaterError('rate_limited', `wait ${ms}`, ms / 1000);
/** How many of `tries` spends pass, alternating between the limiters given (two "instances"). */
async function passes(limiters: Limiters[], name: string, tries: number): Promise<number> {
  const made = limiters.map((l) => l.create(name, { points: 3, durationSeconds: 30 }));
  let passed = 0;
  for (let i = 0; i < tries; i++) {
    await consume(made[i % made.length]!, 'client-a', refuse).then(() => passed++, (e) => expect(e).toBeInstanceOf(RetryLaterError));
  }
  return passed;
}

describe('limiters', () => {
  it('in memory, each instance counts on its own', async () => {
    expect(await passes([open(memoryLimiters()), open(memoryLimiters())], 'n', 8)).toBe(6);
  });

  it('in Redis, two instances share one count: 3 points are 3 wherever the requests land', async () => {
    const prefix = `roomcast-test:${randomUUID()}`;
    expect(await passes([open(redisLimiters(REDIS, prefix)), open(redisLimiters(REDIS, prefix))], 'n', 8)).toBe(3);
  });

  it('with Redis unreachable, each instance still limits from memory instead of failing requests', async () => {
    const down = `redis://127.0.0.1:${await freePort()}`;
    expect(await passes([open(redisLimiters(down))], 'n', 5)).toBe(3);
  });
});
