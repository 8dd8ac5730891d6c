import { Router } from 'express';
import { CreateRoomBody, Id, parseOrThrow, RoomcastError, RoomKind, type RoomView } from '@roomcast/shared';
import type { Database, Room } from '../db/index.js';
import type { LiveRooms } from '../rooms/live-rooms.js';
import { handle, requireRole } from './context.js';
import { notFound } from './errors.js';

export function roomView(room: Room, live: LiveRooms): RoomView {
  return {
    id: room.id,
    name: room.name,
    kind: room.kind,
    ownerId: room.ownerId,
    createdAt: room.createdAt.toISOString(),
    participants: live.participants(room.id),
  };
}

export function roomRoutes(db: Database, live: LiveRooms): Router {
  const router = Router();

  router.get(
    '/',
    handle(async (req, res) => {
      const kind = req.query.kind === undefined ? undefined : parseOrThrow(RoomKind, req.query.kind, 'room kind');
      const rooms = await db.rooms.listOpen({ ...(kind ? { kind } : {}), limit: 100 });
      res.json({ rooms: rooms.map((r) => roomView(r, live)) });
    }),
  );

  router.post(
    '/',
    handle(async (req, res) => {
      const body = parseOrThrow(CreateRoomBody, req.body, 'room');
      // Any account may open a voice room or a watch party; going live as a DJ is a role.
      const owner = body.kind === 'dj' ? requireRole(res, 'broadcaster', 'admin') : requireRole(res);
      const room = await db.rooms.create({ name: body.name, kind: body.kind, ownerId: owner.id });
      res.status(201).json({ room: roomView(room, live) });
    }),
  );

  router.get(
    '/:id',
    handle(async (req, res) => {
      const id = parseOrThrow(Id, req.params.id, 'room id');
      const room = await db.rooms.findById(id);
      if (!room || room.closedAt) throw notFound('room');
      res.json({ room: roomView(room, live) });
    }),
  );

  router.delete(
    '/:id',
    handle(async (req, res) => {
      const user = requireRole(res);
      const room = await db.rooms.findById(parseOrThrow(Id, req.params.id, 'room id'));
      if (!room || room.closedAt) throw notFound('room');
      if (room.ownerId !== user.id && user.role !== 'admin') throw new RoomcastError('forbidden', 'only the owner can close this room');
      await db.rooms.close(room.id);
      await live.closeRoom(room.id, 'the room was closed by its owner');
      res.status(204).end();
    }),
  );

  return router;
}
