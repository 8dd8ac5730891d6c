import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RoomcastError, type PeerView, type SfuControl } from '@roomcast/shared';
import { iceExtras } from '../auth/ice-config.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import type { Database } from '../db/index.js';
import { roomView } from '../http/room-routes.js';
import type { LiveRooms } from '../rooms/live-rooms.js';
import type { Dispatcher } from './dispatch.js';
import { leaveRoom } from './leave.js';
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

  const leave = () => leaveRoom(socket, deps);

  /** Mic state is server-known: every page (the peer's own too) shows it from this event. */
  const setMic = (at: { roomId: string; peerId: string }, patch: Parameters<LiveRooms['updatePeer']>[2]) => {
    const view = live.updatePeer(at.roomId, at.peerId, patch);
    if (view) socket.nsp.to(channel(at.roomId)).emit('peer:updated', view);
  };

  /** Pause/resume state only matters for the microphone (audio) in a voice room. */
  const isAudio = (roomId: string, producerId: string) => live.get(roomId)?.producers.get(producerId)?.kind === 'audio';

  on.on('room:join', async ({ roomId }) => {
    if (!deps.accepting()) throw new RoomcastError('unavailable', 'the server is restarting; try again in a moment');
    const room = await db.rooms.findById(roomId);
    if (!room || room.closedAt) throw new RoomcastError('not_found', 'room not found');
    const policy = live.policy(roomId);
    const bannedUntil = policy.bannedUntil(user.id);
    if (bannedUntil !== undefined) {
      throw new RoomcastError('banned', `you were removed from this room; you can rejoin after ${new Date(bannedUntil).toISOString()}`);
    }
    await leave();
    const { rtpCapabilities } = await sfu.request('room.open', { roomId });
    const view: PeerView = {
      peerId: newPeerId(),
      userId: user.id,
      displayName: user.displayName,
      role: user.role,
      isGuest: user.isGuest,
      mic: 'none',
      moderatorMuted: false,
    };
    const joined = live.join({ id: room.id, kind: room.kind, ownerId: room.ownerId }, { view, socketId: socket.id });
    const { self } = joined;
    socket.data.room = { roomId, peerId: self.peerId };
    await socket.join(channel(roomId));
    socket.to(channel(roomId)).emit('peer:joined', self);
    log.info({ roomId, peerId: self.peerId, userId: user.id }, 'peer joined');
    return {
      room: roomView(room, live),
      self,
      peers: joined.peers,
      producers: joined.producers,
      routerRtpCapabilities: rtpCapabilities,
      moderated: policy.moderated,
      activeSpeakerId: joined.activeSpeakerId,
    };
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
    // A moderator's mute follows the account through rejoins: its new microphone starts paused.
    const forced = req.kind === 'audio' && live.policy(at.roomId).isMuted(user.id);
    if (forced) await sfu.request('producer.pause', { ...at, producerId: result.producerId });
    const info = { producerId: result.producerId, peerId: at.peerId, kind: req.kind, paused: forced };
    live.addProducer(at.roomId, info);
    socket.to(channel(at.roomId)).emit('producer:new', info);
    if (req.kind === 'audio') setMic(at, { mic: forced ? 'muted' : 'live' });
    return result;
  });
  on.on('sfu:pauseProducer', async (req) => {
    const at = here();
    await sfu.request('producer.pause', { ...req, ...at });
    live.setProducerPaused(at.roomId, req.producerId, true);
    if (isAudio(at.roomId, req.producerId)) setMic(at, { mic: 'muted' });
    return {};
  });
  on.on('sfu:resumeProducer', async (req) => {
    const at = here();
    const policy = live.policy(at.roomId);
    const audio = isAudio(at.roomId, req.producerId);
    if (audio && policy.isMuted(user.id) && policy.moderated) {
      throw new RoomcastError('forbidden', 'a moderator muted you; wait until they allow you to speak');
    }
    await sfu.request('producer.resume', { ...req, ...at });
    live.setProducerPaused(at.roomId, req.producerId, false);
    if (audio) {
      // Outside a moderated room a moderator's mute is a nudge: unmuting yourself ends it.
      policy.setMuted(user.id, false);
      setMic(at, { mic: 'live', moderatorMuted: false });
    }
    return {};
  });
  // Its mic state goes back to `none` when the SFU reports the close (see server.ts).
  on.on('sfu:closeProducer', async (req) => sfu.request('producer.close', { ...req, ...here() }));
  on.on('sfu:consume', async (req) => sfu.request('consumer.create', { ...req, ...here() }));
  on.on('sfu:resumeConsumer', async (req) => sfu.request('consumer.resume', { ...req, ...here() }));
  on.on('sfu:produceData', async (req) => sfu.request('dataProducer.create', { ...req, ...here() }));
  on.on('sfu:consumeData', async (req) => sfu.request('dataConsumer.create', { ...req, ...here() }));

  return { leave };
}
