import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RoomcastError, type UserView } from '@roomcast/shared';
import { enforce, hasRole, type Decision } from '../auth/policy.js';
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

/** The signed-in caller, when the permission policy allows `decide` for them. */
export function requireAllowed(res: Response, decide: (actor: User) => Decision): User {
  const user = requireUser(res);
  enforce(decide(user));
  return user;
}

/** Only accounts (not guests) with one of these roles may pass (policy.hasRole). */
export const requireRole = (res: Response, ...roles: User['role'][]): User => requireAllowed(res, (actor) => hasRole(actor, ...roles));

export const userView = (user: User): UserView => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  role: user.role,
  isGuest: user.isGuest,
  emailConfirmed: user.emailConfirmedAt !== null,
});
