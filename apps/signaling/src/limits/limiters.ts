import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type Limiter = RateLimiterAbstract;

export interface LimiterOptions {
  points: number;
  durationSeconds: number;
}

/**
 * Where every per-address and per-account counter lives. One signaling instance keeps them in
 * memory; with REDIS_URL they sit in Redis, so a second instance sees the same counts and a
 * guesser gains nothing by spreading requests across instances. Callers only name a limiter.
 */
export interface Limiters {
  create(name: string, options: LimiterOptions): Limiter;
  close(): Promise<void>;
}

export function memoryLimiters(): Limiters {
  return {
    create: (name, { points, durationSeconds }) => new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds }),
    close: async () => undefined,
  };
}

/**
 * Limiters in Redis. While Redis does not answer, each limiter falls back to a memory one (the
 * library's insurance limiter): counting goes on per instance rather than failing every request.
 */
export function redisLimiters(url: string, prefix = 'roomcast:limit'): Limiters {
  // Commands wait while the client (re)connects, but never long: one retry, half a second.
  const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500 });
  // Connection errors surface through the insurance limiter; ioredis reconnects by itself.
  client.on('error', () => undefined);
  return {
    create: (name, { points, durationSeconds }) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${prefix}:${name}`,
        points,
        duration: durationSeconds,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds }),
      }),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** Redis when a URL is configured, memory otherwise. */
export const limitersFor = (redisUrl: string | undefined): Limiters => (redisUrl ? redisLimiters(redisUrl) : memoryLimiters());
