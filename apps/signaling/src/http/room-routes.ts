import { Router } from 'express';
import { CreateRoomBody, Id, parseOrThrow, RoomcastError, RoomKind, type RoomView } from '@roomcast/shared';
import type { Database, Room } from '../db/index.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import { enforce, mayCloseRoom, mayCreateRoom } from '../auth/policy.js';
import { handle, requireAllowed, requireRole, requireUser } from './context.js';
import { notFound } from './errors.js';

export function roomView(room: Room, participants: number): RoomView {
  return {
    id: room.id,
    name: room.name,
    kind: room.kind,
    ownerId: room.ownerId,
    createdAt: room.createdAt.toISOString(),
    participants,
  };
}

export interface RoomRouteDeps {
  db: Database;
  live: LiveRoomStore;
  /** Closes a room's live side for good: members told, media closed. */
  closeLive: (roomId: string, reason: string) => Promise<void>;
  /** Most rooms one list answers with (ROOM_LIST_LIMIT). */
  listLimit: number;
}

export function roomRoutes({ db, live, closeLive, listLimit }: RoomRouteDeps): Router {
  const router = Router();
  const count = async (room: Room) => (await live.participants([room.id])).get(room.id) ?? 0;

  router.get(
    '/',
    handle(async (req, res) => {
      // Who is talking where is for people who signed in (a guest name counts), not for crawlers.
      requireUser(res);
      const kind = req.query.kind === undefined ? undefined : parseOrThrow(RoomKind, req.query.kind, 'room kind');
      const rooms = await db.rooms.listOpen({ ...(kind ? { kind } : {}), limit: listLimit });
      const counts = await live.participants(rooms.map((r) => r.id));
      res.json({ rooms: rooms.map((r) => roomView(r, counts.get(r.id) ?? 0)) });
    }),
  );

  router.post(
    '/',
    handle(async (req, res) => {
      const body = parseOrThrow(CreateRoomBody, req.body, 'room');
      // Any account may open a voice room or a watch party; going live as a DJ is a role.
      const owner = requireAllowed(res, (actor) => mayCreateRoom(actor, body.kind));
      // A watch room is a party, and a party starts from a video.
      if (body.kind === 'watch') throw new RoomcastError('bad_request', 'start a watch party from a ready video: POST /api/parties');
      const room = await db.rooms.create({ name: body.name, kind: body.kind, ownerId: owner.id });
      res.status(201).json({ room: roomView(room, 0) });
    }),
  );

  router.get(
    '/:id',
    handle(async (req, res) => {
      const id = parseOrThrow(Id, req.params.id, 'room id');
      const room = await db.rooms.findById(id);
      if (!room || room.closedAt) throw notFound('room');
      res.json({ room: roomView(room, await count(room)) });
    }),
  );

  router.delete(
    '/:id',
    handle(async (req, res) => {
      const user = requireRole(res);
      const room = await db.rooms.findById(parseOrThrow(Id, req.params.id, 'room id'));
      if (!room || room.closedAt) throw notFound('room');
      enforce(mayCloseRoom(user, room));
      if (room.kind === 'dj' && (await db.channels.findByRoom(room.id))) {
        throw new RoomcastError('conflict', "this is a DJ channel's room: it lives as long as the channel");
      }
      await db.rooms.close(room.id);
      await closeLive(room.id, room.ownerId === user.id ? 'the room was closed by its owner' : 'the room was closed by an administrator');
      res.status(204).end();
    }),
  );

  return router;
}
