import { Router } from 'express';
import { AdminRoomsQuery, AdminUsersQuery, parseOrThrow, type AdminRoomsResponse, type AdminStatsResponse, RoomcastError, type AdminUsersResponse, SetDisabledBody, SetRoleBody, z, type MailboxResponse, type SetDisabledResponse, type SfuControl } from '@roomcast/shared';
import type { Database, User } from '../db/index.js';
import type { DevMailbox } from '../email/mailer.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import { enforce, mayAdminister, mayAdministerAccount } from '../auth/policy.js';
import { handle, requireAllowed, userView } from './context.js';
import { notFound } from './errors.js';
import { roomView } from './room-routes.js';

export interface AdminRouteDeps {
  db: Database;
  live: LiveRoomStore;
  sfu: SfuControl;
  /** Open connections of the account act as the changed account at once. */
  userChanged: (user: User) => Promise<void>;
  /** Ends every open connection of the account (it was disabled). */
  endAccount: (userId: string, reason: string) => Promise<void>;
  /** The development mailbox, when no SMTP server is configured. */
  mailbox: DevMailbox | undefined;
  /** Socket requests refused so far, by code. */
  refusals: () => Record<string, number>;
}

const USERS_PAGE = 50;
/** Open rooms the admin page lists at most (the busiest first). */
const ROOMS_LISTED = 200;

export function adminRoutes({ db, live, sfu, userChanged, endAccount, mailbox, refusals }: AdminRouteDeps): Router {
  const router = Router();
  const userId = (raw: unknown) => parseOrThrow(z.string().min(1).max(64), raw, 'user id');

  router.get(
    '/users',
    handle(async (req, res) => {
      requireAllowed(res, mayAdminister);
      const { q, cursor } = parseOrThrow(AdminUsersQuery, req.query, 'user search');
      const found = await db.users.search(q, USERS_PAGE + 1, cursor);
      const page = found.slice(0, USERS_PAGE);
      res.json({
        users: page.map((u) => ({ ...userView(u), disabled: u.disabledAt !== null, deleted: u.deletedAt !== null, createdAt: u.createdAt.toISOString() })),
        next: found.length > USERS_PAGE ? page.at(-1)!.id : null,
      } satisfies AdminUsersResponse);
    }),
  );

  router.patch(
    '/users/:id/role',
    handle(async (req, res) => {
      requireAllowed(res, mayAdminister);
      const { role } = parseOrThrow(SetRoleBody, req.body, 'role');
      const id = userId(req.params.id);
      const user = await db.users.findById(id);
      if (!user || user.isGuest) throw notFound('account');
      const updated = await db.users.setRole(id, role);
      if (!updated) throw notFound('account');
      await userChanged(updated);
      res.json({ user: userView(updated) });
    }),
  );

  router.put(
    '/users/:id/disabled',
    handle(async (req, res) => {
      const admin = requireAllowed(res, mayAdminister);
      const { disabled } = parseOrThrow(SetDisabledBody, req.body, 'disabled flag');
      const id = userId(req.params.id);
      // An administrator who disables their own account may lock the install out of its admin.
      if (disabled) enforce(mayAdministerAccount(admin, id, 'disable'));
      const updated = await db.users.setDisabled(id, disabled);
      if (!updated) throw notFound('account');
      if (disabled) await endAccount(id, 'account disabled');
      res.json({ user: userView(updated), disabled: updated.disabledAt !== null } satisfies SetDisabledResponse);
    }),
  );

  router.delete(
    '/users/:id',
    handle(async (req, res) => {
      const admin = requireAllowed(res, mayAdminister);
      const id = userId(req.params.id);
      enforce(mayAdministerAccount(admin, id, 'delete'));
      if (!(await db.accounts.anonymise(id))) throw notFound('account');
      await endAccount(id, 'account deleted');
      res.status(204).end();
    }),
  );

  router.get(
    '/mailbox',
    handle(async (_req, res) => {
      requireAllowed(res, mayAdminister);
      if (!mailbox) throw new RoomcastError('not_found', 'there is no development mailbox: email goes out through SMTP_URL');
      res.json({ messages: await mailbox.list() } satisfies MailboxResponse);
    }),
  );

  router.get(
    '/stats',
    handle(async (_req, res) => {
      requireAllowed(res, mayAdminister);
      const [stats, liveStats, users] = await Promise.all([sfu.request('server.stats', {}), live.stats(), db.users.count()]);
      res.json({ sfu: stats, live: liveStats, users, refused: refusals() } satisfies AdminStatsResponse);
    }),
  );

  /** Open rooms with who is in them now, the busiest first; closing one is DELETE /api/rooms/:id (admins may). */
  router.get(
    '/rooms',
    handle(async (req, res) => {
      requireAllowed(res, mayAdminister);
      const { kind } = parseOrThrow(AdminRoomsQuery, req.query, 'room filter');
      const rooms = await db.rooms.listOpen({ limit: ROOMS_LISTED, ...(kind && { kind }) });
      const [lives, owners] = await Promise.all([
        Promise.all(rooms.map((r) => live.room(r.id))),
        Promise.all([...new Set(rooms.map((r) => r.ownerId))].map((id) => db.users.findById(id))),
      ]);
      const names = new Map(owners.flatMap((u) => (u ? [[u.id, u.displayName] as const] : [])));
      const views = rooms.map((room, i) => {
        const people = (lives[i]?.peers ?? []).map(({ view: { peerId, userId, displayName, isGuest, mic } }) => ({ peerId, userId, displayName, isGuest, mic }));
        return { ...roomView(room, people.length), ownerName: names.get(room.ownerId) ?? 'deleted user', people };
      });
      // Stable: among rooms as busy, the newest stays first.
      views.sort((a, b) => b.participants - a.participants);
      res.json({ rooms: views } satisfies AdminRoomsResponse);
    }),
  );

  return router;
}
