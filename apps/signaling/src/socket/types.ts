import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@roomcast/shared';
import type { User } from '../db/index.js';

export interface SocketData {
  user: User;
  /** The room this connection is in, if any: one room per connection. */
  room?: { roomId: string; peerId: string };
}

export type RoomcastIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RoomcastSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** socket.io room name for a Roomcast room. */
export const channel = (roomId: string): string => `room:${roomId}`;
