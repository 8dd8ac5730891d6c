import { z } from 'zod';
import { DisplayName, Id, Role, RoomKind } from './common.js';
import { LIMITS } from './limits.js';

/** Every HTTP body and response of the API, by route. */

export const Email = z.string().trim().toLowerCase().max(LIMITS.email.max).pipe(z.email('not a valid email address'));

export const SignUpBody = z.object({
  email: Email,
  // Strength beyond length is judged by the server (it answers `weak_password` with the reason).
  password: z.string().min(1, 'password is required').max(LIMITS.password.max),
  displayName: DisplayName,
});
export type SignUpBody = z.infer<typeof SignUpBody>;

export const SignInBody = z.object({ email: Email, password: z.string().min(1).max(LIMITS.password.max) });
export type SignInBody = z.infer<typeof SignInBody>;

export const GuestBody = z.object({ displayName: DisplayName });
export type GuestBody = z.infer<typeof GuestBody>;

export const UserView = z.object({
  id: z.string(),
  email: z.string().nullable(),
  displayName: z.string(),
  role: Role,
  isGuest: z.boolean(),
  /** The person followed the link sent to `email` (always false for guests). */
  emailConfirmed: z.boolean(),
});
export type UserView = z.infer<typeof UserView>;

/** GET /api/auth/me, and the answer to sign-up / sign-in / guest. */
export const MeResponse = z.object({ user: UserView });
export type MeResponse = z.infer<typeof MeResponse>;

/** POST /api/auth/signup. `confirmationRequired`: no session yet — the account signs in once its email is confirmed. */
export const SignUpResponse = MeResponse.extend({ confirmationRequired: z.literal(true).optional() });
export type SignUpResponse = z.infer<typeof SignUpResponse>;

export const CreateRoomBody = z.object({
  name: z.string().trim().min(LIMITS.roomName.min, 'room name is required').max(LIMITS.roomName.max),
  kind: RoomKind.default('voice'),
});
export type CreateRoomBody = z.input<typeof CreateRoomBody>;

export const RoomView = z.object({
  id: Id,
  name: z.string(),
  kind: RoomKind,
  ownerId: z.string(),
  createdAt: z.string(),
  participants: z.number().int().nonnegative(),
});
export type RoomView = z.infer<typeof RoomView>;

export const RoomResponse = z.object({ room: RoomView });
export const RoomListResponse = z.object({ rooms: z.array(RoomView) });

export const SetRoleBody = z.object({ role: Role });
export type SetRoleBody = z.infer<typeof SetRoleBody>;

/** GET /api/admin/users?q=&cursor= — registered accounts, newest first, for the admin page. */
export const AdminUsersQuery = z.object({ q: z.string().max(100).default(''), cursor: z.string().max(64).optional() });
export type AdminUsersQuery = z.infer<typeof AdminUsersQuery>;
export const AdminUserView = UserView.extend({ disabled: z.boolean(), deleted: z.boolean(), createdAt: z.string() });
export type AdminUserView = z.infer<typeof AdminUserView>;
export const AdminUsersResponse = z.object({ users: z.array(AdminUserView), next: z.string().nullable() });
export type AdminUsersResponse = z.infer<typeof AdminUsersResponse>;

/** PUT /api/admin/users/:id/disabled — a disabled account cannot sign in; its sessions end. */
export const SetDisabledBody = z.object({ disabled: z.boolean() });
export type SetDisabledBody = z.infer<typeof SetDisabledBody>;
export const SetDisabledResponse = z.object({ user: UserView, disabled: z.boolean() });
export type SetDisabledResponse = z.infer<typeof SetDisabledResponse>;

/** GET /readyz: each dependency and whether it answered. */
export const ReadyResponse = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});
export type ReadyResponse = z.infer<typeof ReadyResponse>;

/** GET /api/config: what a client needs before it connects. */
export const ClientConfig = z.object({ protocolVersion: z.number().int(), limits: z.record(z.string(), z.unknown()) });
export type ClientConfig = z.infer<typeof ClientConfig>;
