import { Router } from 'express';
import { parseOrThrow, SetRoleBody, z, type SfuControl } from '@roomcast/shared';
import type { Database, User } from '../db/index.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import { handle, requireRole, userView } from './context.js';
import { notFound } from './errors.js';

export interface AdminRouteDeps {
  db: Database;
  live: LiveRoomStore;
  sfu: SfuControl;
  /** Open connections of the account act as the changed account at once. */
  userChanged: (user: User) => Promise<void>;
  /** Socket requests refused so far, by code. */
  refusals: () => Record<string, number>;
}

export function adminRoutes({ db, live, sfu, userChanged, refusals }: AdminRouteDeps): Router {
  const router = Router();

  router.patch(
    '/users/:id/role',
    handle(async (req, res) => {
      requireRole(res, 'admin');
      const { role } = parseOrThrow(SetRoleBody, req.body, 'role');
      const id = parseOrThrow(z.string().min(1).max(64), req.params.id, 'user id');
      const user = await db.users.findById(id);
      if (!user || user.isGuest) throw notFound('account');
      const updated = await db.users.setRole(id, role);
      if (!updated) throw notFound('account');
      await userChanged(updated);
      res.json({ user: userView(updated) });
    }),
  );

  router.get(
    '/stats',
    handle(async (_req, res) => {
      requireRole(res, 'admin');
      const [stats, liveStats, users] = await Promise.all([sfu.request('server.stats', {}), live.stats(), db.users.count()]);
      res.json({ sfu: stats, live: liveStats, users, refused: refusals() });
    }),
  );

  return router;
}
