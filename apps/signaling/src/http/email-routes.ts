import { Router, type Request } from 'express';
import { ConfirmEmailBody, parseOrThrow, PasswordResetBody, PasswordResetRequestBody, RoomcastError } from '@roomcast/shared';
import { assertStrongPassword, hashPassword } from '../auth/passwords.js';
import type { Database, User } from '../db/index.js';
import type { EmailLinks } from '../email/email-links.js';
import { consume, tryAgainLater } from '../limits/consume.js';
import type { Limiters } from '../limits/limiters.js';
import { handle, requireUser, userView } from './context.js';

export interface EmailRouteDeps {
  db: Database;
  links: EmailLinks;
  limiters: Limiters;
  /** Open connections of the account see the change (the confirmation banner goes away). */
  userChanged: (user: User) => Promise<void>;
  /** A new password ends every connection of the account. */
  endAccount: (userId: string, reason: string) => Promise<void>;
}

const HOUR = 3600;

/** Confirming an address and resetting a password: the routes behind the links Roomcast emails. */
export function emailRoutes({ db, links, limiters, userChanged, endAccount }: EmailRouteDeps): Router {
  const router = Router();
  const resendPerAccount = limiters.create('confirm-resend-account', { points: 3, durationSeconds: HOUR });
  const resetPerAddress = limiters.create('reset-address', { points: 10, durationSeconds: HOUR });
  const resetPerEmail = limiters.create('reset-email', { points: 3, durationSeconds: HOUR });
  const tooMany = (what: string) => tryAgainLater(`too many ${what}`);

  const baseOf = (req: Request) => {
    const base = links.linkBase(req);
    if (!base) throw new RoomcastError('bad_request', 'links need to know this server’s address: ask from the web app, or set PUBLIC_URL');
    return base;
  };
  const mailed = async (send: () => Promise<void>) => {
    try {
      await send();
    } catch (error) {
      throw Object.assign(new RoomcastError('unavailable', 'the email could not be sent; try again later'), { cause: error });
    }
  };

  router.post(
    '/confirm-email',
    handle(async (req, res) => {
      const { token } = parseOrThrow(ConfirmEmailBody, req.body, 'confirmation link');
      const user = await links.confirm(token);
      await userChanged(user);
      res.json({ user: userView(user) });
    }),
  );

  router.post(
    '/confirm-email/resend',
    handle(async (req, res) => {
      const user = requireUser(res);
      if (user.isGuest || !user.email) throw new RoomcastError('bad_request', 'a guest has no email address to confirm');
      if (user.emailConfirmedAt) throw new RoomcastError('conflict', 'this email address is already confirmed');
      const base = baseOf(req);
      await consume(resendPerAccount, user.id, tooMany('confirmation emails'));
      await mailed(() => links.sendConfirmation(user, base));
      res.status(202).json({ sentTo: user.email });
    }),
  );

  router.post(
    '/password-reset',
    handle(async (req, res) => {
      const { email } = parseOrThrow(PasswordResetRequestBody, req.body, 'email address');
      const base = baseOf(req);
      await consume(resetPerAddress, req.ip ?? 'unknown', tooMany('password resets from your address'));
      await consume(resetPerEmail, email, tooMany('password resets for this address'));
      const user = await db.users.findByEmail(email);
      // The same answer whether or not the address has an account: it tells a stranger nothing.
      if (user?.passwordHash && !user.disabledAt) await mailed(() => links.sendPasswordReset(user, base));
      res.status(202).json({});
    }),
  );

  router.post(
    '/password-reset/complete',
    handle(async (req, res) => {
      const { token, password } = parseOrThrow(PasswordResetBody, req.body, 'new password');
      // Judged before the link is spent, so a weak choice can be corrected with the same link.
      assertStrongPassword(password);
      const userId = await links.resetPassword(token, await hashPassword(password));
      await endAccount(userId, 'password changed');
      res.status(204).end();
    }),
  );

  return router;
}
