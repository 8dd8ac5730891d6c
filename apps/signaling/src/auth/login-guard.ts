import type { RateLimiterRes } from 'rate-limiter-flexible';
import { RetryLaterError } from '../http/errors.js';
import { waitText } from '../limits/consume.js';
import type { Limiters } from '../limits/limiters.js';

export interface LoginGuardOptions {
  /** Wrong passwords in a row (within an hour) that lock the account out. */
  failuresBeforeLockout: number;
  /** The first lockout; each further one the same day doubles it, up to `maxLockoutSeconds`. */
  lockoutSeconds: number;
  maxLockoutSeconds: number;
  /** Wrong passwords from one address per hour, whichever accounts they aim at. */
  failuresPerAddressPerHour: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Slows password guessing, then stops it: per account (a guesser spreading over addresses) and
 * per address (one address trying many accounts). Unknown emails count like known ones, so a
 * lockout says nothing about whether an account exists.
 */
export class LoginGuard {
  readonly #byAccount;
  readonly #lockouts;
  readonly #byAddress;

  constructor(
    limiters: Limiters,
    private readonly options: LoginGuardOptions,
  ) {
    this.#byAccount = limiters.create('signin-failures-account', { points: options.failuresBeforeLockout, durationSeconds: HOUR });
    this.#lockouts = limiters.create('signin-lockouts', { points: Number.MAX_SAFE_INTEGER, durationSeconds: DAY });
    this.#byAddress = limiters.create('signin-failures-address', { points: options.failuresPerAddressPerHour, durationSeconds: HOUR });
  }

  /** Refuses, with the wait, an account or address that is locked out. */
  async check(email: string, address: string): Promise<void> {
    const [account, from] = await Promise.all([this.#byAccount.get(key(email)), this.#byAddress.get(address)]);
    if (locked(account, this.options.failuresBeforeLockout)) {
      throw refusal(`too many wrong passwords for this account; try again in ${waitText(account.msBeforeNext)}`, account.msBeforeNext);
    }
    if (locked(from, this.options.failuresPerAddressPerHour)) {
      throw refusal(`too many wrong passwords from your address; try again in ${waitText(from.msBeforeNext)}`, from.msBeforeNext);
    }
  }

  /** Counts a wrong password; the one that reaches the limit starts a lockout. */
  async failed(email: string, address: string): Promise<void> {
    const { failuresBeforeLockout, failuresPerAddressPerHour, lockoutSeconds, maxLockoutSeconds } = this.options;
    const [account, from] = await Promise.all([this.#byAccount.penalty(key(email), 1), this.#byAddress.penalty(address, 1)]);
    if (account.consumedPoints >= failuresBeforeLockout) {
      const earlier = (await this.#lockouts.penalty(key(email), 1)).consumedPoints - 1;
      await this.#byAccount.block(key(email), Math.min(maxLockoutSeconds, lockoutSeconds * 2 ** earlier));
    }
    if (from.consumedPoints >= failuresPerAddressPerHour) await this.#byAddress.block(address, HOUR);
  }

  /** The right password clears the account's run of failures (not its lockouts of the day). */
  async succeeded(email: string): Promise<void> {
    await this.#byAccount.delete(key(email));
  }
}

const key = (email: string) => email.trim().toLowerCase();

/** `block` leaves more points consumed than the limiter has. */
const locked = (res: RateLimiterRes | null, points: number): res is RateLimiterRes => res !== null && res.consumedPoints > points && res.msBeforeNext > 0;

const refusal = (message: string, waitMs: number) => new RetryLaterError('rate_limited', message, Math.ceil(waitMs / 1000));
