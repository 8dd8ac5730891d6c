import type { Logger } from 'pino';

export interface RefusalSamplerOptions {
  /** Length of one counting window. */
  windowMs?: number;
  /** Refusals of one kind logged in full per window; the rest are only counted. */
  samplesPerWindow?: number;
  /** Injectable clock (tests). */
  now?: () => number;
}

/**
 * Refusals are the client's doing, so one client must not be able to fill a disk with them: per
 * window, the first few of each kind are logged in full and the rest are counted, then written
 * as one summary line when the window closes. Memory is bounded by the number of kinds, which
 * callers keep small (error codes, event names).
 */
export class RefusalSampler {
  readonly #windowMs: number;
  readonly #samples: number;
  readonly #now: () => number;
  #windowStart = 0;
  #seen = new Map<string, number>();
  #suppressed = new Map<string, number>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Pick<Logger, 'info'>,
    private readonly message = 'request refused',
    options: RefusalSamplerOptions = {},
  ) {
    this.#windowMs = options.windowMs ?? 60_000;
    this.#samples = options.samplesPerWindow ?? 5;
    this.#now = options.now ?? Date.now;
  }

  /** Records one refusal of `kind`; logs `details` only while this window's sample lasts. */
  refused(kind: string, details: object): void {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.flush();
      this.#windowStart = now;
    }
    const seen = (this.#seen.get(kind) ?? 0) + 1;
    this.#seen.set(kind, seen);
    if (seen <= this.#samples) {
      this.log.info({ ...details, kind }, this.message);
      return;
    }
    this.#suppressed.set(kind, (this.#suppressed.get(kind) ?? 0) + 1);
    // Write the summary when the window ends even if nothing else is refused after it.
    this.#flushTimer ??= setTimeout(() => this.flush(), Math.max(0, this.#windowStart + this.#windowMs - now)).unref();
  }

  /** Writes the summary of what was counted but not logged, and starts counting afresh. */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#suppressed.size > 0) {
      const suppressed = Object.fromEntries(this.#suppressed);
      const total = [...this.#suppressed.values()].reduce((a, b) => a + b, 0);
      this.log.info({ suppressed, total, windowMs: this.#windowMs }, `${this.message}: ${total} more not logged`);
    }
    this.#seen.clear();
    this.#suppressed.clear();
  }
}
