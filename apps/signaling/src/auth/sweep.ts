import type { Logger } from 'pino';
import type { Database } from '../db/index.js';

/** Runs `fn` after `ms` and returns how to cancel it; tests inject one they fire by hand. */
export type Schedule = (fn: () => Promise<void>, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(() => void fn(), ms).unref();
  return () => clearTimeout(timer);
};

export interface SweepOptions {
  /** Time between the end of one sweep and the start of the next. */
  intervalMs: number;
  /** A guest account with no session left is deleted once older than this. */
  guestRetentionMs: number;
  /** A deleted (already anonymised) account is purged once deleted longer ago than this. */
  accountPurgeMs?: number;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Injectable clock (tests). */
  now?: () => number;
  schedule?: Schedule;
}

export interface SweepResult {
  sessions: number;
  guests: number;
  purged: number;
}

/**
 * Housekeeping for accounts: deletes expired sessions, then guest accounts that hold no session
 * and are older than the retention, then accounts deleted longer ago than the purge delay (a guest signed out or whose session expired can never sign
 * in again). Expired sessions first, so a guest whose only session just lapsed goes in the same
 * pass. One sweep at a time; the next is scheduled when one ends.
 */
export class Sweeper {
  readonly #now: () => number;
  readonly #schedule: Schedule;
  #cancel: (() => void) | undefined;
  #running: Promise<SweepResult> | undefined;
  #stopped = false;

  constructor(
    private readonly db: Pick<Database, 'users' | 'sessions' | 'accounts'>,
    private readonly options: SweepOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#schedule = options.schedule ?? realSchedule;
  }

  /** One pass now (joins a pass already running). */
  sweep(): Promise<SweepResult> {
    this.#running ??= (async () => {
      try {
        const now = this.#now();
        const sessions = await this.db.sessions.deleteExpired(new Date(now));
        const guests = await this.db.users.deleteStaleGuests(new Date(now - this.options.guestRetentionMs));
        const purged = this.options.accountPurgeMs === undefined ? 0 : await this.db.accounts.purgeDeleted(new Date(now - this.options.accountPurgeMs));
        if (sessions || guests || purged) this.options.log.info({ sessions, guests, purged }, 'pruned expired sessions, stale guest accounts and deleted accounts');
        return { sessions, guests, purged };
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** Sweeps at once, then every `intervalMs` until stop(); a failed sweep is logged and the next one still runs. */
  start(): void {
    this.#stopped = false;
    this.#next(0);
  }

  #next(ms: number): void {
    if (this.#stopped) return;
    this.#cancel = this.#schedule(async () => {
      this.#cancel = undefined;
      await this.sweep().catch((error: unknown) => this.options.log.warn({ err: error }, 'session sweep failed'));
      this.#next(this.options.intervalMs);
    }, ms);
  }

  /** Cancels the next sweep and waits for a running one. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#running?.catch(() => undefined);
  }
}
