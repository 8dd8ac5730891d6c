import type { Logger } from 'pino';
import { presenceOf } from '../party/party-rules.js';
import type { RoomKind } from '@roomcast/shared';
import type { PartyService } from '../party/party-service.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import type { RoomMedia } from '../rooms/room-media.js';
import { roomRole } from '../auth/policy.js';
import { channel, type RoomcastSocket } from './types.js';

/** A membership began or ended (the DJ listener counts follow these). */
export type MembershipListener = (event: { roomId: string; peerId: string; kind: RoomKind; host: boolean; joined: boolean }) => void;

export interface LeaveDeps {
  live: LiveRoomStore;
  media: RoomMedia;
  log: Logger;
  party?: PartyService;
  onMembership?: MembershipListener | undefined;
}

/**
 * Takes a connection out of its room: membership, the room's channel, its SFU media (the
 * whole room's when it emptied). One path for a peer that leaves, disconnects, or is removed;
 * it runs in the connection's queue, and with `peerId` only that membership is left (a queued
 * removal must not end a membership that began after it was asked for). Others hear
 * `peer:left` once the SFU holds nothing of the peer.
 */
export async function leaveRoom(socket: RoomcastSocket, deps: LeaveDeps, peerId?: string): Promise<void> {
  const at = socket.data.room;
  if (!at || (peerId !== undefined && at.peerId !== peerId)) return;
  socket.data.room = undefined;
  await socket.leave(channel(at.roomId));
  try {
    const { left } = await deps.live.leave(at.roomId, at.peerId);
    if (left) deps.onMembership?.({ roomId: at.roomId, peerId: at.peerId, kind: at.kind, host: roomRole(socket.data.user, at) === 'host', joined: false });
    await deps.media.release(at.roomId, at.peerId);
    const leftParty = at.kind === 'watch' ? await deps.party?.leave(at.roomId, at.peerId) : undefined;
    if (leftParty) {
      socket.nsp.to(channel(at.roomId)).emit('party:presence', presenceOf(leftParty.party));
      // The party was waiting for this member only: it plays on.
      if (leftParty.stateChanged) socket.nsp.to(channel(at.roomId)).emit('party:state', leftParty.party.state);
    }
  } finally {
    socket.nsp.to(channel(at.roomId)).emit('peer:left', { peerId: at.peerId });
    deps.log.info({ roomId: at.roomId, peerId: at.peerId, userId: socket.data.user.id }, 'peer left');
  }
}
