import { Router } from 'express';
import {
  AccountUpdateBody,
  ChangeEmailBody,
  ChangePasswordBody,
  DeleteAccountBody,
  Id,
  parseOrThrow,
  RoomcastError,
  type AccountResponse,
  type SessionListResponse,
} from '@roomcast/shared';
import { assertStrongPassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import { enforce, mayChangeCredentials } from '../auth/policy.js';
import { sessionKey, type Sessions } from '../auth/sessions.js';
import { DuplicateError, type Database, type User } from '../db/index.js';
import type { EmailLinks } from '../email/email-links.js';
import { handle, requireUser, userView } from './context.js';
import { notFound } from './errors.js';

export interface AccountRouteDeps {
  db: Database;
  sessions: Sessions;
  links: EmailLinks;
  userChanged: (user: User) => Promise<void>;
  endAccount: (userId: string, reason: string) => Promise<void>;
  endSession: (sessionKey: string, reason: string) => Promise<void>;
}

/** The person's own account: name, email, password, sessions, export and deletion. */
export function accountRoutes({ db, sessions, links, userChanged, endAccount, endSession }: AccountRouteDeps): Router {
  const router = Router();

  /** Re-entering the password guards what a borrowed, signed-in laptop must not do. */
  const passwordMatches = async (user: User, password: string | undefined) => {
    if (!user.passwordHash || password === undefined || !(await verifyPassword(user.passwordHash, password))) {
      throw new RoomcastError('invalid_credentials', 'the password is not right', [{ path: 'password', message: 'not your current password' }]);
    }
  };
  const registered = (user: User) => {
    enforce(mayChangeCredentials(user));
    return user;
  };

  router.patch('/', handle(async (req, res) => {
    const user = requireUser(res);
    const { displayName } = parseOrThrow(AccountUpdateBody, req.body, 'account');
    const updated = await db.users.setDisplayName(user.id, displayName);
    if (!updated) throw notFound('account');
    await userChanged(updated);
    res.json({ user: userView(updated) } satisfies AccountResponse);
  }));

  router.put('/email', handle(async (req, res) => {
    const user = registered(requireUser(res));
    const { email, password } = parseOrThrow(ChangeEmailBody, req.body, 'new email');
    await passwordMatches(user, password);
    let updated: User | null;
    try {
      updated = await db.users.changeEmail(user.id, email);
    } catch (error) {
      if (error instanceof DuplicateError) throw new RoomcastError('email_taken', 'another account uses this address', [{ path: 'email', message: 'already registered' }]);
      throw error;
    }
    if (!updated) throw notFound('account');
    await userChanged(updated);
    const base = links.linkBase(req);
    // The change stands even if the mail does not go: the banner offers to send the link again.
    if (base) await links.sendConfirmation(updated, base).catch(() => undefined);
    res.json({ user: userView(updated) } satisfies AccountResponse);
  }));

  router.put('/password', handle(async (req, res) => {
    const user = registered(requireUser(res));
    const { currentPassword, password } = parseOrThrow(ChangePasswordBody, req.body, 'new password');
    await passwordMatches(user, currentPassword);
    assertStrongPassword(password, user.email ?? undefined);
    await db.users.setPassword(user.id, await hashPassword(password));
    // Every sign-in ended with the old password; this browser starts a new one at once.
    await endAccount(user.id, 'password changed');
    res.setHeader('Set-Cookie', await sessions.start(user.id, req.get('user-agent')));
    res.status(204).end();
  }));

  router.get('/sessions', handle(async (req, res) => {
    const user = requireUser(res);
    const current = sessionKey(req.headers.cookie);
    const list = await db.sessions.listForUser(user.id);
    res.json({
      sessions: list.map((s) => ({ id: s.id, device: s.device, createdAt: s.createdAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString(), current: s.tokenHash === current })),
    } satisfies SessionListResponse);
  }));

  router.delete('/sessions/:id', handle(async (req, res) => {
    const user = requireUser(res);
    const ended = await db.sessions.deleteById(user.id, parseOrThrow(Id, req.params.id, 'session id'));
    if (!ended) throw notFound('session');
    await endSession(ended.tokenHash, 'signed out from another device');
    res.status(204).end();
  }));

  router.post('/signout-everywhere', handle(async (_req, res) => {
    const user = requireUser(res);
    await db.sessions.deleteAllForUser(user.id);
    await endAccount(user.id, 'signed out everywhere');
    res.setHeader('Set-Cookie', await sessions.end(undefined));
    res.status(204).end();
  }));

  router.get('/export', handle(async (_req, res) => {
    const user = requireUser(res);
    const data = await db.accounts.export(user.id);
    if (!data) throw notFound('account');
    res.setHeader('Content-Disposition', `attachment; filename="roomcast-account-${user.id}.json"`);
    res.json(data);
  }));

  router.delete('/', handle(async (req, res) => {
    const user = requireUser(res);
    const { password } = parseOrThrow(DeleteAccountBody, req.body ?? {}, 'account deletion');
    if (!user.isGuest) await passwordMatches(user, password);
    await db.accounts.anonymise(user.id);
    await endAccount(user.id, 'account deleted');
    res.setHeader('Set-Cookie', await sessions.end(undefined));
    res.status(204).end();
  }));

  return router;
}
