import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RoomcastError, type PeerView, type SfuControl } from '@roomcast/shared';
import { iceExtras } from '../auth/ice-config.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import type { Database } from '../db/index.js';
import { roomView } from '../http/room-routes.js';
import type { LiveRooms } from '../rooms/live-rooms.js';
import type { Dispatcher } from './dispatch.js';
import { channel, type RoomcastSocket } from './types.js';

export interface RoomDeps {
  db: Database;
  sfu: SfuControl;
  live: LiveRooms;
  log: Logger;
  /** Hands clients short-lived TURN credentials with every transport, when TURN is configured. */
  turn: TurnSettings | undefined;
  /** Handed to clients with every transport (ICE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number | undefined;
  /** False while the server drains for shutdown: no new joins. */
  accepting: () => boolean;
}

const newPeerId = (): string => randomBytes(9).toString('base64url');

/** Room membership and the SFU calls a member may make, scoped to that member's room. */
export function registerRoomHandlers(socket: RoomcastSocket, on: Dispatcher, deps: RoomDeps): { leave: () => Promise<void> } {
  const { db, sfu, live, log } = deps;
  const user = socket.data.user;

  const here = () => {
    const at = socket.data.room;
    if (!at) throw new RoomcastError('not_in_room', 'join a room first');
    return at;
  };

  const leave = async () => {
    const at = socket.data.room;
    if (!at) return;
    socket.data.room = undefined;
    await socket.leave(channel(at.roomId));
    const empty = live.leave(at.roomId, at.peerId);
    socket.to(channel(at.roomId)).emit('peer:left', { peerId: at.peerId });
    await sfu.request(empty ? 'room.close' : 'peer.leave', { roomId: at.roomId, peerId: at.peerId });
    log.info({ roomId: at.roomId, peerId: at.peerId, userId: user.id }, 'peer left');
  };

  on.on('room:join', async ({ roomId }) => {
    if (!deps.accepting()) throw new RoomcastError('unavailable', 'the server is restarting; try again in a moment');
    const room = await db.rooms.findById(roomId);
    if (!room || room.closedAt) throw new RoomcastError('not_found', 'room not found');
    await leave();
    const { rtpCapabilities } = await sfu.request('room.open', { roomId });
    const self: PeerView = { peerId: newPeerId(), userId: user.id, displayName: user.displayName, role: user.role, isGuest: user.isGuest };
    const { peers, producers } = live.join({ id: room.id, kind: room.kind, ownerId: room.ownerId }, { view: self, socketId: socket.id });
    socket.data.room = { roomId, peerId: self.peerId };
    await socket.join(channel(roomId));
    socket.to(channel(roomId)).emit('peer:joined', self);
    log.info({ roomId, peerId: self.peerId, userId: user.id }, 'peer joined');
    return { room: roomView(room, live), self, peers, producers, routerRtpCapabilities: rtpCapabilities };
  });

  on.on('room:leave', async () => {
    await leave();
    return {};
  });

  on.on('sfu:createTransport', async (req) => {
    const options = await sfu.request('transport.create', { ...req, ...here() });
    return { ...options, ...iceExtras(deps, user.id) };
  });
  on.on('sfu:connectTransport', async (req) => sfu.request('transport.connect', { ...req, ...here() }));
  on.on('sfu:restartIce', async (req) => sfu.request('transport.restartIce', { ...req, ...here() }));

  on.on('sfu:produce', async (req) => {
    const at = here();
    const room = live.get(at.roomId);
    // In a DJ channel only its owner (or an admin) is on air; listeners only listen.
    if (room?.kind === 'dj' && room.ownerId !== user.id && user.role !== 'admin') {
      throw new RoomcastError('forbidden', 'only the DJ can broadcast in this channel');
    }
    const result = await sfu.request('producer.create', { ...req, ...at });
    const info = { producerId: result.producerId, peerId: at.peerId, kind: req.kind, paused: false };
    live.addProducer(at.roomId, info);
    socket.to(channel(at.roomId)).emit('producer:new', info);
    return result;
  });
  on.on('sfu:pauseProducer', async (req) => sfu.request('producer.pause', { ...req, ...here() }));
  on.on('sfu:resumeProducer', async (req) => sfu.request('producer.resume', { ...req, ...here() }));
  on.on('sfu:closeProducer', async (req) => sfu.request('producer.close', { ...req, ...here() }));
  on.on('sfu:consume', async (req) => sfu.request('consumer.create', { ...req, ...here() }));
  on.on('sfu:resumeConsumer', async (req) => sfu.request('consumer.resume', { ...req, ...here() }));
  on.on('sfu:produceData', async (req) => sfu.request('dataProducer.create', { ...req, ...here() }));
  on.on('sfu:consumeData', async (req) => sfu.request('dataConsumer.create', { ...req, ...here() }));

  return { leave };
}
