import type { Logger } from 'pino';
import { RoomcastError, type SfuControl } from '@roomcast/shared';
import type { KeyedSerial } from '../rooms/serial.js';
import type { LiveRoomStore, PeerPatch } from '../rooms/live-store.js';
import type { ModerationStore } from '../rooms/moderation-store.js';
import type { RoomMedia } from '../rooms/room-media.js';
import type { Dispatcher } from './dispatch.js';
import { enforce, mayRemovePeer } from '../auth/policy.js';
import { leaveRoom } from './leave.js';
import { channel, currentRoom, type RoomcastSocket } from './types.js';

export interface ModerationDeps {
  sfu: SfuControl;
  live: LiveRoomStore;
  moderation: ModerationStore;
  media: RoomMedia;
  /** Connections' queues: a removal runs in the removed connection's own order. */
  queue: KeyedSerial;
  log: Logger;
}

/**
 * What a room's host (its owner or an admin) may do to others in it: mute them on the server,
 * let them speak again, remove them, and make the room moderated. The dispatcher has already
 * refused everyone else (the room kind's rules list these requests for hosts only).
 */
export function registerModerationHandlers(socket: RoomcastSocket, on: Dispatcher, deps: ModerationDeps): void {
  const { sfu, live, moderation, log } = deps;

  const here = () => currentRoom(socket);

  const target = async (peerId: string) => {
    const at = here();
    const peer = await live.peer(at.roomId, peerId);
    if (!peer) throw new RoomcastError('not_found', 'that person is not in this room');
    return { at, peer };
  };

  const broadcast = async (roomId: string, peerId: string, patch: PeerPatch) => {
    const view = await live.updatePeer(roomId, peerId, patch);
    if (view) socket.nsp.to(channel(roomId)).emit('peer:updated', view);
  };

  on.on('mod:mutePeer', async ({ peerId }) => {
    const { at, peer } = await target(peerId);
    await moderation.setMuted(at.roomId, peer.view.userId, true);
    // The SFU stops forwarding at once; the peer's page learns it from peer:updated and pauses too.
    const audio = ((await live.room(at.roomId))?.producers ?? []).filter((p) => p.peerId === peerId && p.kind === 'audio');
    await Promise.all(audio.map((p) => sfu.request('producer.pause', { roomId: at.roomId, peerId, producerId: p.producerId })));
    for (const p of audio) await live.setProducerPaused(at.roomId, p.producerId, true);
    await broadcast(at.roomId, peerId, { moderatorMuted: true, ...(audio.length ? { mic: 'muted' as const } : {}) });
    log.info({ roomId: at.roomId, peerId, target: peer.view.userId }, 'moderator muted a peer');
    return {};
  });

  on.on('mod:allowUnmute', async ({ peerId }) => {
    const { at, peer } = await target(peerId);
    await moderation.setMuted(at.roomId, peer.view.userId, false);
    await broadcast(at.roomId, peerId, { moderatorMuted: false });
    return {};
  });

  on.on('mod:removePeer', async ({ peerId }) => {
    const { at, peer } = await target(peerId);
    enforce(mayRemovePeer(socket.data.user, at, peer.view.userId));
    const bannedUntil = new Date(await moderation.ban(at.roomId, peer.view.userId)).toISOString();
    const removed = socket.nsp.sockets.get(peer.socketId);
    if (removed) {
      removed.emit('room:removed', { reason: 'a moderator removed you from this room', bannedUntil });
      // In the removed connection's queue, behind what it is doing; not awaited, so two hosts
      // removing each other cannot wait on each other.
      deps.queue.run(removed.id, () => leaveRoom(removed, deps, peerId)).catch((error: unknown) => log.error({ err: error, peerId }, 'removal failed'));
    }
    log.info({ roomId: at.roomId, peerId, target: peer.view.userId, bannedUntil }, 'moderator removed a peer');
    return { bannedUntil };
  });

  on.on('mod:setModerated', async ({ moderated }) => {
    const at = here();
    await moderation.setModerated(at.roomId, moderated);
    socket.nsp.to(channel(at.roomId)).emit('room:moderation', { moderated });
    return {};
  });
}
