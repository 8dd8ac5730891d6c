import { z } from 'zod';
import { Email } from './http.js';
import { LIMITS } from './limits.js';

/** Links sent by email (confirm an address, reset a password) and the development mailbox. */

/** 32 random bytes, base64url: what a link's `token` parameter carries. */
export const EmailToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a valid link');

/** POST /api/auth/confirm-email */
export const ConfirmEmailBody = z.object({ token: EmailToken });
export type ConfirmEmailBody = z.infer<typeof ConfirmEmailBody>;

/** POST /api/auth/password-reset — answered 202 whether or not the address has an account. */
export const PasswordResetRequestBody = z.object({ email: Email });
export type PasswordResetRequestBody = z.infer<typeof PasswordResetRequestBody>;

/** POST /api/auth/password-reset/complete */
export const PasswordResetBody = z.object({ token: EmailToken, password: z.string().min(1, 'password is required').max(LIMITS.password.max) });
export type PasswordResetBody = z.infer<typeof PasswordResetBody>;

/** GET /api/admin/mailbox: what the development mailbox holds, newest first. */
export const MailboxMessage = z.object({
  id: z.string(),
  to: z.string(),
  from: z.string(),
  subject: z.string(),
  text: z.string(),
  sentAt: z.string(),
});
export type MailboxMessage = z.infer<typeof MailboxMessage>;
export const MailboxResponse = z.object({ messages: z.array(MailboxMessage) });
export type MailboxResponse = z.infer<typeof MailboxResponse>;
