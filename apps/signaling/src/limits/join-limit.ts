import { consume, tryAgainLater } from './consume.js';
import type { Limiters } from './limiters.js';

export interface JoinLimits {
  /** Room joins one account may make per minute (JOINS_PER_MINUTE). */
  perAccountPerMinute: number;
  /** Room joins from one client address per minute, whichever accounts (JOINS_PER_IP_PER_MINUTE). */
  perAddressPerMinute: number;
}

/**
 * Joining costs the server a room's media and a snapshot, and each join tells everyone in the
 * room: a client that joins in a loop is refused, with how long to wait. Counted per account
 * (so fresh connections do not reset it) and per address (so fresh guest accounts do not).
 */
export class JoinLimit {
  readonly #byAccount;
  readonly #byAddress;

  constructor(limiters: Limiters, limits: JoinLimits) {
    this.#byAccount = limiters.create('joins-account', { points: limits.perAccountPerMinute, durationSeconds: 60 });
    this.#byAddress = limiters.create('joins-address', { points: limits.perAddressPerMinute, durationSeconds: 60 });
  }

  /** Spends one join of the account and of the address; throws `rate_limited` with the wait when either is spent. */
  async take(userId: string, address: string): Promise<void> {
    await consume(this.#byAccount, userId, tryAgainLater('too many room joins from your account'));
    await consume(this.#byAddress, address, tryAgainLater('too many room joins from your address'));
  }
}
