import { Router, type Request } from 'express';
import { GuestBody, parseOrThrow, RoomcastError, SignInBody, SignUpBody, type SignUpResponse } from '@roomcast/shared';
import { LoginGuard, type LoginGuardOptions } from '../auth/login-guard.js';
import { assertStrongPassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Sessions } from '../auth/sessions.js';
import { DuplicateError, type Database, type User } from '../db/index.js';
import { handle, requireUser, userView } from './context.js';
import { consume, tryAgainLater, waitText } from '../limits/consume.js';
import type { Limiters } from '../limits/limiters.js';
import { RetryLaterError } from './errors.js';

// Verifying against a real hash even for unknown emails keeps response times from revealing accounts.
const DUMMY_HASH = hashPassword('roomcast-timing-equaliser');

export interface AuthLimits {
  /** Sign-in / sign-up attempts per address per minute (AUTH_RATE_LIMIT). */
  attemptsPerMinute: number;
  /** Guest accounts per address per hour (GUESTS_PER_IP_PER_HOUR). */
  guestsPerHour: number;
  /** Wrong-password lockouts (SIGNIN_*). */
  signin: LoginGuardOptions;
}

export interface AuthHooks {
  /** Ends the open connections of the sign-in that cookie carries. */
  endSession(cookie: string | undefined, reason: string): Promise<void>;
  /** A new account exists (its confirmation email goes out from here). */
  signedUp(user: User, req: Request): Promise<void>;
  /** REQUIRE_EMAIL_CONFIRMATION: an unconfirmed account may not sign in. */
  requireConfirmedEmail: boolean;
}

export function authRoutes(db: Database, sessions: Sessions, limiters: Limiters, limits: AuthLimits, hooks?: AuthHooks): Router {
  const router = Router();
  // Keyed on req.ip: the client's address behind the proxies TRUST_PROXY names.
  const attempts = limiters.create('auth-attempts', { points: limits.attemptsPerMinute, durationSeconds: 60 });
  const guests = limiters.create('guests', { points: limits.guestsPerHour, durationSeconds: 3600 });
  const guard = new LoginGuard(limiters, limits.signin);
  // Administrators are exempt: on a fresh install only they can read the development mailbox.
  const mustConfirm = (user: User) => Boolean(hooks?.requireConfirmedEmail) && !user.emailConfirmedAt && user.role !== 'admin';
  const throttle = (ip: string | undefined) =>
    consume(attempts, ip ?? 'unknown', tryAgainLater('too many attempts from your address'));

  router.post(
    '/signup',
    handle(async (req, res) => {
      await throttle(req.ip);
      const body = parseOrThrow(SignUpBody, req.body, 'sign-up form');
      assertStrongPassword(body.password, body.email);
      let user;
      try {
        // The first account of a fresh install administers it (decided by the database, so two
        // racing first sign-ups cannot both win); everyone else starts as a listener.
        user = await db.users.createAccount({ email: body.email, passwordHash: await hashPassword(body.password), displayName: body.displayName });
      } catch (error) {
        if (error instanceof DuplicateError && error.isOn('email')) {
          throw new RoomcastError('email_taken', 'an account with this email already exists', [
            { path: 'email', message: 'already registered; sign in instead' },
          ]);
        }
        throw error;
      }
      await hooks?.signedUp(user, req);
      if (mustConfirm(user)) {
        res.status(201).json({ user: userView(user), confirmationRequired: true } satisfies SignUpResponse);
        return;
      }
      res.setHeader('Set-Cookie', await sessions.start(user.id, req.get('user-agent')));
      res.status(201).json({ user: userView(user) } satisfies SignUpResponse);
    }),
  );

  router.post(
    '/signin',
    handle(async (req, res) => {
      await throttle(req.ip);
      const body = parseOrThrow(SignInBody, req.body, 'sign-in form');
      const address = req.ip ?? 'unknown';
      await guard.check(body.email, address);
      const user = await db.users.findByEmail(body.email);
      const ok = user?.passwordHash
        ? await verifyPassword(user.passwordHash, body.password)
        : await verifyPassword(await DUMMY_HASH, body.password).then(() => false);
      if (!user || !ok) {
        await guard.failed(body.email, address);
        throw new RoomcastError('invalid_credentials', 'wrong email or password');
      }
      await guard.succeeded(body.email);
      // Said only after the password matched, so a guesser learns nothing about the account.
      if (user.disabledAt) throw new RoomcastError('forbidden', 'this account is disabled; ask an administrator');
      if (mustConfirm(user)) {
        throw new RoomcastError('forbidden', 'confirm your email address first: open the link we sent you, or ask for a new one with “Forgot password?”');
      }
      res.setHeader('Set-Cookie', await sessions.start(user.id, req.get('user-agent')));
      res.json({ user: userView(user) });
    }),
  );

  router.post(
    '/guest',
    handle(async (req, res) => {
      await throttle(req.ip);
      const body = parseOrThrow(GuestBody, req.body, 'guest name');
      await consume(guests, req.ip ?? 'unknown', (ms) =>
        new RetryLaterError('limit_exceeded', `${limits.guestsPerHour} guest accounts per hour come from one address; try again in ${waitText(ms)}, or sign up`, ms / 1000),
      );
      const user = await db.users.create({ email: null, passwordHash: null, displayName: body.displayName, role: 'listener', isGuest: true });
      res.setHeader('Set-Cookie', await sessions.start(user.id, req.get('user-agent')));
      res.status(201).json({ user: userView(user) });
    }),
  );

  router.post(
    '/signout',
    handle(async (req, res) => {
      await hooks?.endSession(req.headers.cookie, 'signed out');
      res.setHeader('Set-Cookie', await sessions.end(req.headers.cookie));
      res.status(204).end();
    }),
  );

  router.get(
    '/me',
    handle(async (_req, res) => {
      res.json({ user: userView(requireUser(res)) });
    }),
  );

  return router;
}
