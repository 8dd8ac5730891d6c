import { z } from 'zod';
import { DisplayName } from './common.js';
import { Email, UserView } from './http.js';
import { LIMITS } from './limits.js';

/** The account page: name, email, password, sessions, export, deletion. */

const Password = z.string().min(1, 'password is required').max(LIMITS.password.max);

/** PATCH /api/account */
export const AccountUpdateBody = z.object({ displayName: DisplayName });
export type AccountUpdateBody = z.infer<typeof AccountUpdateBody>;

/** PUT /api/account/email — the new address must be confirmed again; the password proves it is you. */
export const ChangeEmailBody = z.object({ email: Email, password: Password });
export type ChangeEmailBody = z.infer<typeof ChangeEmailBody>;

/** PUT /api/account/password — every other sign-in ends. */
export const ChangePasswordBody = z.object({ currentPassword: Password, password: Password });
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** DELETE /api/account — a guest has no password and sends none. */
export const DeleteAccountBody = z.object({ password: Password.optional() });
export type DeleteAccountBody = z.infer<typeof DeleteAccountBody>;

export const SessionView = z.object({
  id: z.string(),
  /** The browser's User-Agent at sign-in, if it sent one. */
  device: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;
export const SessionListResponse = z.object({ sessions: z.array(SessionView) });
export type SessionListResponse = z.infer<typeof SessionListResponse>;

export const AccountResponse = z.object({ user: UserView });
export type AccountResponse = z.infer<typeof AccountResponse>;
