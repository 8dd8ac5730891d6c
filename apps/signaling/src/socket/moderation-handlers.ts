import type { Logger } from 'pino';
import { RoomcastError, type SfuControl } from '@roomcast/shared';
import type { LiveRooms } from '../rooms/live-rooms.js';
import type { Dispatcher } from './dispatch.js';
import { leaveRoom } from './leave.js';
import { channel, type RoomcastSocket } from './types.js';

export interface ModerationDeps {
  sfu: SfuControl;
  live: LiveRooms;
  log: Logger;
}

/**
 * What a room's owner (or an admin) may do to others in it: mute them on the server, let
 * them speak again, remove them, and make the room moderated. Everyone else gets `forbidden`.
 */
export function registerModerationHandlers(socket: RoomcastSocket, on: Dispatcher, deps: ModerationDeps): void {
  const { sfu, live, log } = deps;
  const user = socket.data.user;

  /** The moderator's room, checked on every call: ownership is the room's, not the session's. */
  const moderating = () => {
    const at = socket.data.room;
    if (!at) throw new RoomcastError('not_in_room', 'join a room first');
    const room = live.get(at.roomId);
    if (!room) throw new RoomcastError('not_in_room', 'join a room first');
    if (room.ownerId !== user.id && user.role !== 'admin') {
      throw new RoomcastError('forbidden', 'only the room’s owner or an admin can moderate');
    }
    return room;
  };

  const target = (peerId: string) => {
    const room = moderating();
    const peer = room.peers.get(peerId);
    if (!peer) throw new RoomcastError('not_found', 'that person is not in this room');
    return { room, peer };
  };

  const broadcast = (roomId: string, peerId: string, patch: Parameters<LiveRooms['updatePeer']>[2]) => {
    const view = live.updatePeer(roomId, peerId, patch);
    if (view) socket.nsp.to(channel(roomId)).emit('peer:updated', view);
  };

  on.on('mod:mutePeer', async ({ peerId }) => {
    const { room, peer } = target(peerId);
    live.policy(room.id).setMuted(peer.view.userId, true);
    // The SFU stops forwarding at once; the peer's page learns it from peer:updated and pauses too.
    const audio = [...room.producers.values()].filter((p) => p.peerId === peerId && p.kind === 'audio');
    await Promise.all(audio.map((p) => sfu.request('producer.pause', { roomId: room.id, peerId, producerId: p.producerId })));
    for (const p of audio) live.setProducerPaused(room.id, p.producerId, true);
    broadcast(room.id, peerId, { moderatorMuted: true, ...(audio.length ? { mic: 'muted' as const } : {}) });
    log.info({ roomId: room.id, peerId, target: peer.view.userId }, 'moderator muted a peer');
    return {};
  });

  on.on('mod:allowUnmute', async ({ peerId }) => {
    const { room, peer } = target(peerId);
    live.policy(room.id).setMuted(peer.view.userId, false);
    broadcast(room.id, peerId, { moderatorMuted: false });
    return {};
  });

  on.on('mod:removePeer', async ({ peerId }) => {
    const { room, peer } = target(peerId);
    if (peer.view.userId === room.ownerId || peer.view.userId === user.id) {
      throw new RoomcastError('bad_request', 'the room’s owner cannot be removed from it');
    }
    const bannedUntil = new Date(Date.now() + live.options.banSeconds * 1000).toISOString();
    live.policy(room.id).ban(peer.view.userId, Date.parse(bannedUntil));
    const removed = socket.nsp.sockets.get(peer.socketId);
    if (removed) {
      removed.emit('room:removed', { reason: 'a moderator removed you from this room', bannedUntil });
      await leaveRoom(removed, deps);
    }
    log.info({ roomId: room.id, peerId, target: peer.view.userId, bannedUntil }, 'moderator removed a peer');
    return { bannedUntil };
  });

  on.on('mod:setModerated', async ({ moderated }) => {
    const room = moderating();
    live.policy(room.id).moderated = moderated;
    socket.nsp.to(channel(room.id)).emit('room:moderation', { moderated });
    return {};
  });
}
