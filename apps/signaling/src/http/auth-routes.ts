import { Router } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { GuestBody, parseOrThrow, RoomcastError, SignInBody, SignUpBody } from '@roomcast/shared';
import { assertStrongPassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Sessions } from '../auth/sessions.js';
import { DuplicateError, type Database } from '../db/index.js';
import { handle, requireUser, userView } from './context.js';

// Verifying against a real hash even for unknown emails keeps response times from revealing accounts.
const DUMMY_HASH = hashPassword('roomcast-timing-equaliser');

export function authRoutes(db: Database, sessions: Sessions, attemptsPerMinute: number, sockets?: { endSession(cookie: string | undefined, reason: string): Promise<void> }): Router {
  const router = Router();
  const limiter = new RateLimiterMemory({ points: attemptsPerMinute, duration: 60 });
  const throttle = async (ip: string | undefined) => {
    try {
      await limiter.consume(ip ?? 'unknown');
    } catch {
      throw new RoomcastError('rate_limited', 'too many attempts; wait a minute and try again');
    }
  };

  router.post(
    '/signup',
    handle(async (req, res) => {
      await throttle(req.ip);
      const body = parseOrThrow(SignUpBody, req.body, 'sign-up form');
      assertStrongPassword(body.password, body.email);
      // The first account of a fresh install administers it; everyone else starts as a listener.
      const role = (await db.users.count()) === 0 ? 'admin' : 'listener';
      let user;
      try {
        user = await db.users.create({
          email: body.email,
          passwordHash: await hashPassword(body.password),
          displayName: body.displayName,
          role,
          isGuest: false,
        });
      } catch (error) {
        if (error instanceof DuplicateError) {
          throw new RoomcastError('email_taken', 'an account with this email already exists', [
            { path: 'email', message: 'already registered; sign in instead' },
          ]);
        }
        throw error;
      }
      res.setHeader('Set-Cookie', await sessions.start(user.id));
      res.status(201).json({ user: userView(user) });
    }),
  );

  router.post(
    '/signin',
    handle(async (req, res) => {
      await throttle(req.ip);
      const body = parseOrThrow(SignInBody, req.body, 'sign-in form');
      const user = await db.users.findByEmail(body.email);
      const ok = user?.passwordHash
        ? await verifyPassword(user.passwordHash, body.password)
        : await verifyPassword(await DUMMY_HASH, body.password).then(() => false);
      if (!user || !ok) throw new RoomcastError('invalid_credentials', 'wrong email or password');
      res.setHeader('Set-Cookie', await sessions.start(user.id));
      res.json({ user: userView(user) });
    }),
  );

  router.post(
    '/guest',
    handle(async (req, res) => {
      await throttle(req.ip);
      const body = parseOrThrow(GuestBody, req.body, 'guest name');
      const user = await db.users.create({ email: null, passwordHash: null, displayName: body.displayName, role: 'listener', isGuest: true });
      res.setHeader('Set-Cookie', await sessions.start(user.id));
      res.status(201).json({ user: userView(user) });
    }),
  );

  router.post(
    '/signout',
    handle(async (req, res) => {
      await sockets?.endSession(req.headers.cookie, 'signed out');
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
