import type { Logger } from 'pino';
import type { ErrorCode } from '@roomcast/shared';

/**
 * Refused requests are counted, not logged one by one: one connection must not be able to
 * fill a disk. Each connection's first refusal of each code is logged with its context, up to
 * `detailsPerInterval` lines in all (a client that opens a new connection per bad request would
 * otherwise get a line each); the rest are summed into one summary line at most once per interval.
 */
export class RefusalLog {
  readonly #totals = new Map<ErrorCode, number>();
  readonly #unlogged = new Map<ErrorCode, number>();
  readonly #seen = new Map<string, Set<ErrorCode>>();
  #lastSummary: number;
  #detailed = 0;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
    private readonly clock: () => number = Date.now,
    private readonly detailsPerInterval = 20,
  ) {
    this.#lastSummary = clock();
  }

  record(socketId: string, code: ErrorCode, context: Record<string, unknown>): void {
    this.#totals.set(code, (this.#totals.get(code) ?? 0) + 1);
    let seen = this.#seen.get(socketId);
    if (!seen) this.#seen.set(socketId, (seen = new Set()));
    if (!seen.has(code) && this.#detailed < this.detailsPerInterval) {
      seen.add(code);
      this.#detailed++;
      this.log.info({ ...context, socketId, code }, 'socket request refused');
      return;
    }
    this.#unlogged.set(code, (this.#unlogged.get(code) ?? 0) + 1);
    if (this.clock() - this.#lastSummary >= this.intervalMs) this.flush();
  }

  /** Logs what was refused without a line of its own since the last summary. */
  flush(): void {
    this.#lastSummary = this.clock();
    this.#detailed = 0;
    if (this.#unlogged.size === 0) return;
    this.log.info({ refused: Object.fromEntries(this.#unlogged) }, 'socket requests refused (summary)');
    this.#unlogged.clear();
  }

  forget(socketId: string): void {
    this.#seen.delete(socketId);
  }

  /** Refusals per code since start, for the admin stats. */
  totals(): Partial<Record<ErrorCode, number>> {
    return Object.fromEntries(this.#totals);
  }
}
