import type { Server, Socket } from 'socket.io';
import { RoomcastError, type ClientToServerEvents, type RoomKind, type ServerToClientEvents } from '@roomcast/shared';
import type { User } from '../db/index.js';

/** The room this connection is in: one room per connection. */
export interface SocketRoom {
  roomId: string;
  peerId: string;
  kind: RoomKind;
  ownerId: string;
  /** Transports created in this membership (they only close when it ends). */
  transports: number;
}

export interface SocketData {
  user: User;
  /** Which sign-in this connection rides (the session token's hash), so signing out ends it. */
  sessionKey: string;
  room?: SocketRoom;
}

export type RoomcastIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RoomcastSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** socket.io room name for a Roomcast room. */
export const channel = (roomId: string): string => `room:${roomId}`;


/** The connection's room, or `not_in_room`. */
export function currentRoom(socket: RoomcastSocket): SocketRoom {
  const at = socket.data.room;
  if (!at) throw new RoomcastError('not_in_room', 'join a room first');
  return at;
}
