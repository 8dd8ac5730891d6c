import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RoomcastError, type UserView } from '@roomcast/shared';
import type { User } from '../db/index.js';

/** Wraps an async route so a rejection reaches the error handler instead of crashing. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

export function currentUser(res: Response): User | null {
  return (res.locals.user as User | undefined) ?? null;
}

export function requireUser(res: Response): User {
  const user = currentUser(res);
  if (!user) throw new RoomcastError('unauthenticated', 'sign in or join as a guest first');
  return user;
}

/** Only accounts (not guests) with one of these roles may pass. */
export function requireRole(res: Response, ...roles: User['role'][]): User {
  const user = requireUser(res);
  if (user.isGuest) throw new RoomcastError('forbidden', 'guests cannot do this; create an account');
  if (roles.length && !roles.includes(user.role)) {
    throw new RoomcastError('forbidden', `this needs the ${roles.join(' or ')} role`);
  }
  return user;
}

export const userView = (user: User): UserView => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  role: user.role,
  isGuest: user.isGuest,
  emailConfirmed: user.emailConfirmedAt !== null,
});
