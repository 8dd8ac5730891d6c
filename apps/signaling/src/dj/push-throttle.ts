import type { Clock } from '../rooms/clock.js';

/** Timers as a throttle uses them, injected so a test drives time by hand. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Coalesces changes per key into pushes at least `intervalMs` apart: however many listeners
 * join or like in a burst, a room hears one aggregated update, then at most one per interval.
 * The push reads the numbers when it fires, so it always carries the latest.
 */
export class PushThrottle {
  readonly #last = new Map<string, number>();
  readonly #pending = new Map<string, unknown>();
  #closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly push: (key: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly timers: Timers = systemTimers,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Something changed for `key`: a push follows, now or when the interval allows. */
  touch(key: string): void {
    if (this.#closed || this.#pending.has(key)) return;
    const last = this.#last.get(key);
    const wait = last === undefined ? 0 : Math.max(0, last + this.intervalMs - this.clock());
    this.#pending.set(
      key,
      this.timers.setTimeout(() => {
        this.#pending.delete(key);
        this.#last.set(key, this.clock());
        this.push(key).catch(this.onError);
      }, wait),
    );
  }

  /** Drops the key's pending push and its history (the room closed). */
  forget(key: string): void {
    const handle = this.#pending.get(key);
    if (handle !== undefined) this.timers.clearTimeout(handle);
    this.#pending.delete(key);
    this.#last.delete(key);
  }

  close(): void {
    this.#closed = true;
    for (const key of [...this.#pending.keys()]) this.forget(key);
  }
}
