import { Router } from 'express';
import { parseOrThrow, SetRoleBody, z } from '@roomcast/shared';
import type { SfuServer } from '@roomcast/sfu';
import type { Database } from '../db/index.js';
import type { LiveRooms } from '../rooms/live-rooms.js';
import { handle, requireRole, userView } from './context.js';
import { notFound } from './errors.js';

export function adminRoutes(db: Database, live: LiveRooms, sfu: SfuServer): Router {
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
      res.json({ user: userView(updated) });
    }),
  );

  router.get(
    '/stats',
    handle(async (_req, res) => {
      requireRole(res, 'admin');
      res.json({ sfu: await sfu.stats(), live: live.stats(), users: await db.users.count() });
    }),
  );

  return router;
}
