export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * The agent's upload cap (`--max-upload`), shared by every listener: a token bucket refilled at
 * `rate` bytes/s, handed out one chunk at a time in rotation between the streams waiting, so
 * two listeners get half each and one alone gets all of it. A chunk may overdraw the bucket
 * (a 64 KiB chunk on a slow cap), and the overdraft is waited out before the next grant, so over
 * any stretch the total stays within rate × time + one burst.
 */
export class FairLimiter {
  #tokens: number;
  #last: number;
  readonly #burst: number;
  readonly #queues = new Map<string, { bytes: number; resolve: () => void }[]>();
  #order: string[] = [];
  #timer: unknown = null;

  constructor(
    readonly rate: number | undefined,
    private readonly clock: LimiterClock = realClock,
  ) {
    // A tenth of a second of traffic, so a burst never dwarfs the cap.
    this.#burst = rate ? Math.max(rate / 10, 1) : 0;
    this.#tokens = this.#burst;
    this.#last = clock.now();
  }

  /** Resolves when `key` may send `bytes` more. Without a cap, at once. */
  take(key: string, bytes: number): Promise<void> {
    if (!this.rate) return Promise.resolve();
    return new Promise((resolve) => {
      let queue = this.#queues.get(key);
      if (!queue) {
        this.#queues.set(key, (queue = []));
        this.#order.push(key);
      }
      queue.push({ bytes, resolve });
      this.#pump();
    });
  }

  /** A stream went away: its waiting grants are dropped (their promises never resolve; the stream is gone). */
  forget(key: string): void {
    this.#queues.delete(key);
    this.#order = this.#order.filter((k) => k !== key);
  }

  close(): void {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#queues.clear();
    this.#order = [];
  }

  #pump(): void {
    const rate = this.rate!;
    const now = this.clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * rate) / 1000);
    this.#last = now;
    while (this.#order.length > 0 && this.#tokens > 0) {
      const key = this.#order.shift()!;
      const queue = this.#queues.get(key)!;
      const grant = queue.shift()!;
      this.#tokens -= grant.bytes;
      grant.resolve();
      if (queue.length > 0) this.#order.push(key);
      else this.#queues.delete(key);
    }
    if (this.#order.length > 0 && this.#timer === null) {
      const waitMs = Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / rate));
      this.#timer = this.clock.setTimeout(() => {
        this.#timer = null;
        this.#pump();
      }, waitMs);
    }
  }
}
