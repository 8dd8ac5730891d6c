import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RoomcastError, type PeerView, type RoomKind } from '@roomcast/shared';
import type { Database } from '../db/index.js';
import { roomView } from '../http/room-routes.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import type { ModerationStore } from '../rooms/moderation-store.js';
import { iceExtras } from '../auth/ice-config.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import { presenceOf } from '../party/party-rules.js';
import type { PartyService } from '../party/party-service.js';
import type { RoomMedia } from '../rooms/room-media.js';
import type { Dispatcher } from './dispatch.js';
import { leaveRoom, type MembershipListener } from './leave.js';
import { enforce, mayEnterRoom, roomRole } from '../auth/policy.js';
import { channel, type RoomcastSocket } from './types.js';

export interface RoomDeps {
  db: Database;
  live: LiveRoomStore;
  moderation: ModerationStore;
  media: RoomMedia;
  log: Logger;
  /** People one room of each kind holds at once. */
  roomLimits: Record<RoomKind, number>;
  /** Watch rooms: the party's PIN gate, membership and snapshot. */
  party: PartyService;
  turn: TurnSettings | undefined;
  /** False while the server drains for shutdown: no new joins. */
  accepting: () => boolean;
  onMembership?: MembershipListener | undefined;
  /** Spends one join of the connection's account and address (throws rate_limited with the wait). */
  takeJoin: () => Promise<void>;
}

const newPeerId = (): string => randomBytes(9).toString('base64url');

/**
 * Joining and leaving a room. A join takes its place in the store before it opens the room's
 * media, and checks after every wait that the connection is still there: one that went away
 * meanwhile undoes its own join instead of leaving a ghost behind.
 */
export function registerRoomHandlers(socket: RoomcastSocket, on: Dispatcher, deps: RoomDeps): void {
  const { db, live, media, log } = deps;

  const present = () => {
    if (socket.disconnected) throw new RoomcastError('not_in_room', 'the connection closed while joining');
  };

  on.on('room:join', async ({ roomId, pin }) => {
    if (!deps.accepting()) throw new RoomcastError('unavailable', 'the server is restarting; try again in a moment');
    const user = socket.data.user;
    await deps.takeJoin();
    const room = await db.rooms.findById(roomId);
    if (!room || room.closedAt) throw new RoomcastError('not_found', 'room not found');
    const moderation = await deps.moderation.view(roomId, user.id);
    enforce(mayEnterRoom(moderation));
    if (room.kind === 'watch') await deps.party.admit(roomId, user.id, pin);
    await leaveRoom(socket, deps);
    present();

    const self: PeerView = {
      peerId: newPeerId(),
      userId: user.id,
      displayName: user.displayName,
      role: user.role,
      isGuest: user.isGuest,
      mic: 'none',
      moderatorMuted: moderation.muted,
    };
    const joined = await live.join({ id: room.id, kind: room.kind, ownerId: room.ownerId }, { view: self, socketId: socket.id }, deps.roomLimits[room.kind]);
    let routerRtpCapabilities;
    let party;
    try {
      routerRtpCapabilities = await media.open(roomId);
      if (room.kind === 'watch') party = await deps.party.enter(roomId, self);
      present();
    } catch (error) {
      await live.leave(roomId, self.peerId);
      await media.release(roomId, self.peerId);
      if (party) await deps.party.leave(roomId, self.peerId);
      throw error;
    }
    socket.data.room = { roomId, peerId: self.peerId, kind: room.kind, ownerId: room.ownerId, transports: 0 };
    await socket.join(channel(roomId));
    socket.to(channel(roomId)).emit('peer:joined', self);
    if (party) socket.to(channel(roomId)).emit('party:presence', presenceOf(party.party));
    deps.onMembership?.({ roomId, peerId: self.peerId, kind: room.kind, host: roomRole(user, room) === 'host', joined: true });
    log.info({ roomId, peerId: self.peerId, userId: user.id }, 'peer joined');
    return {
      room: roomView(room, joined.peers.length + 1),
      self,
      peers: [...joined.peers],
      producers: [...joined.producers],
      routerRtpCapabilities,
      moderated: moderation.moderated,
      activeSpeakerId: joined.activeSpeakerId,
      ...(party ? { party: { ...party.snapshot, ...iceExtras({ turn: deps.turn }, user.id) } } : {}),
    };
  });

  on.on('room:leave', async () => {
    await leaveRoom(socket, deps);
    return {};
  });
}
