import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { RoomcastError } from '@roomcast/shared';
import { hashToken } from '../auth/sessions.js';
import type { Database, User } from '../db/index.js';
import type { EmailTokenPurpose, Redeemed } from './email-token-store.js';
import type { Mailer } from './mailer.js';
import { confirmEmailMessage, resetPasswordMessage } from './messages.js';

export interface EmailLinkOptions {
  /** PUBLIC_URL: the address links point at. Unset: the web app's own origin, from its request. */
  publicUrl: string | undefined;
  confirmTtlHours: number;
  resetTtlMinutes: number;
}

const REFUSED: Record<Exclude<Redeemed, { ok: true }>['reason'], string> = {
  unknown: 'this link is not valid; check that it was copied whole',
  used: 'this link was already used, or a newer one replaced it',
  expired: 'this link has expired; ask for a new one',
};

/** Issues and redeems the single-use links Roomcast sends by email. */
export class EmailLinks {
  constructor(
    private readonly db: Database,
    private readonly mailer: Mailer,
    private readonly options: EmailLinkOptions,
  ) {}

  /**
   * Where links lead. Without PUBLIC_URL, only a browser request's Origin is believed (the origin
   * guard has already refused foreign ones): a Host header can be forged by anyone, and a reset
   * link pointing at someone else's server would hand them the token.
   */
  linkBase(req: Request): string | undefined {
    return this.options.publicUrl ?? (typeof req.headers.origin === 'string' && req.headers.origin !== 'null' ? req.headers.origin : undefined);
  }

  async sendConfirmation(user: User, base: string): Promise<void> {
    if (!user.email) return;
    const { confirmTtlHours: hours } = this.options;
    const token = await this.#issue(user, 'confirm_email', hours * 3_600_000);
    await this.mailer.send(confirmEmailMessage(user.email, user.displayName, link(base, '/confirm-email', token), hours));
  }

  async sendPasswordReset(user: User, base: string): Promise<void> {
    if (!user.email) return;
    const { resetTtlMinutes: minutes } = this.options;
    const token = await this.#issue(user, 'reset_password', minutes * 60_000);
    await this.mailer.send(resetPasswordMessage(user.email, user.displayName, link(base, '/reset-password', token), minutes));
  }

  /** @throws RoomcastError `link_invalid` saying why. */
  async confirm(token: string): Promise<User> {
    const redeemed = await this.#redeem(token, 'confirm_email');
    const user = await this.db.users.confirmEmail(redeemed.userId, redeemed.email);
    // The account's address changed since the link was sent: it confirms nothing now.
    if (!user) throw new RoomcastError('link_invalid', 'this link was sent to an address the account no longer has');
    return user;
  }

  /** Sets the new password (ending every session), ends the account's other reset links, confirms the address. @returns the account's id. */
  async resetPassword(token: string, passwordHash: string): Promise<string> {
    const { userId, email } = await this.#redeem(token, 'reset_password');
    if (!(await this.db.users.setPassword(userId, passwordHash))) throw new RoomcastError('link_invalid', REFUSED.unknown);
    await this.db.emailTokens.voidUnused(userId, 'reset_password');
    // The link reached that mailbox: the address is proven as much as a confirmation would.
    await this.db.users.confirmEmail(userId, email);
    return userId;
  }

  async #issue(user: User, purpose: EmailTokenPurpose, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.emailTokens.voidUnused(user.id, purpose);
    await this.db.emailTokens.create({ userId: user.id, purpose, email: user.email!, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttlMs) });
    return token;
  }

  async #redeem(token: string, purpose: EmailTokenPurpose): Promise<{ userId: string; email: string }> {
    const redeemed = await this.db.emailTokens.redeem(hashToken(token), purpose);
    if (!redeemed.ok) throw new RoomcastError('link_invalid', REFUSED[redeemed.reason]);
    return redeemed;
  }
}

const link = (base: string, page: string, token: string) => `${base.replace(/\/+$/, '')}${page}?token=${token}`;
