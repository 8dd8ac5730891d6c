import { PROTOCOL_VERSION } from '@roomcast/shared';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';

/**
 * How the app's one socket connects. Same origin; the session comes from the httpOnly cookie,
 * the handshake only carries the protocol version so a stale bundle is refused, not confused.
 * WebSocket from the start: long-polling first would cost round trips (and need sticky
 * sessions behind a proxy), for no gain here.
 */
export function socketOptions(): Partial<ManagerOptions & SocketOptions> {
  return { path: '/socket.io', auth: { protocolVersion: PROTOCOL_VERSION }, withCredentials: true, transports: ['websocket'] };
}
