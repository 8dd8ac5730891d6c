import type { Logger } from 'pino';
import type { SfuControl } from '@roomcast/shared';
import type { LiveRooms } from '../rooms/live-rooms.js';
import { channel, type RoomcastSocket } from './types.js';

/**
 * Takes a connection out of its room: membership, the room's channel, its SFU media. One
 * path for a peer that leaves, disconnects, or is removed by a moderator.
 */
export async function leaveRoom(socket: RoomcastSocket, deps: { sfu: SfuControl; live: LiveRooms; log: Logger }): Promise<void> {
  const at = socket.data.room;
  if (!at) return;
  socket.data.room = undefined;
  await socket.leave(channel(at.roomId));
  const empty = deps.live.leave(at.roomId, at.peerId);
  socket.to(channel(at.roomId)).emit('peer:left', { peerId: at.peerId });
  await deps.sfu.request(empty ? 'room.close' : 'peer.leave', { roomId: at.roomId, peerId: at.peerId });
  deps.log.info({ roomId: at.roomId, peerId: at.peerId, userId: socket.data.user.id }, 'peer left');
}
