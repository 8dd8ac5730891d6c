import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import { Handshake, LIMITS, PROTOCOL_VERSION, type ErrorBody, type SfuControl } from '@roomcast/shared';
import type { Sessions } from '../auth/sessions.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import type { Database } from '../db/index.js';
import type { LiveRooms } from '../rooms/live-rooms.js';
import { Dispatcher } from './dispatch.js';
import { registerModerationHandlers } from './moderation-handlers.js';
import { registerRoomHandlers } from './room-handlers.js';
import { channel, type RoomcastIo } from './types.js';

export interface SocketDeps {
  db: Database;
  sessions: Sessions;
  sfu: SfuControl;
  live: LiveRooms;
  log: Logger;
  eventsPerSecond: number;
  turn: TurnSettings | undefined;
  connectTimeoutMs?: number | undefined;
  accepting: () => boolean;
  allowRequest?: import('socket.io').ServerOptions['allowRequest'];
}

/** A refused handshake: socket.io hands `data` to the client's connect_error. */
function refusal(error: ErrorBody): Error & { data: ErrorBody } {
  return Object.assign(new Error(error.code), { data: error });
}

export function createSocketServer(httpServer: HttpServer, deps: SocketDeps): RoomcastIo {
  const { log, live, sfu } = deps;
  const io: RoomcastIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.socketMessageBytes,
    // Same-origin only: the session cookie must not ride a cross-site socket.
    cors: { origin: false },
    allowRequest: deps.allowRequest,
  });
  const limiter = new RateLimiterMemory({ points: deps.eventsPerSecond, duration: 1 });

  io.use((socket, next) => {
    const handshake = Handshake.safeParse(socket.handshake.auth);
    if (!handshake.success || handshake.data.protocolVersion !== PROTOCOL_VERSION) {
      return next(refusal({ code: 'protocol_mismatch', message: `this server speaks protocol ${PROTOCOL_VERSION}; reload the page` }));
    }
    deps.sessions
      .resolve(socket.handshake.headers.cookie)
      .then((user) => {
        if (!user) return next(refusal({ code: 'unauthenticated', message: 'sign in or join as a guest first' }));
        socket.data.user = user;
        next();
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'socket session lookup failed');
        next(refusal({ code: 'unavailable', message: 'could not check your session; try again' }));
      });
  });

  io.on('connection', (socket) => {
    const socketLog = log.child({ socketId: socket.id, userId: socket.data.user.id });
    const dispatcher = new Dispatcher(socket, limiter, socketLog);
    const { leave } = registerRoomHandlers(socket, dispatcher, { ...deps, log: socketLog });
    registerModerationHandlers(socket, dispatcher, { ...deps, log: socketLog });
    socket.on('disconnect', (reason) => {
      socketLog.debug({ reason }, 'socket disconnected');
      leave().catch((error: unknown) => socketLog.error({ err: error }, 'leave on disconnect failed'));
    });
  });

  // What the SFU reports reaches the room's members.
  sfu.on('producerClosed', ({ roomId, peerId, producerId }) => {
    const wasMic = live.get(roomId)?.producers.get(producerId)?.kind === 'audio';
    live.removeProducer(roomId, producerId);
    io.to(channel(roomId)).emit('producer:closed', { producerId, peerId });
    const view = wasMic ? live.updatePeer(roomId, peerId, { mic: 'none' }) : undefined;
    if (view) io.to(channel(roomId)).emit('peer:updated', view);
  });
  sfu.on('consumerClosed', ({ roomId, peerId, consumerId }) => {
    const socketId = live.get(roomId)?.peers.get(peerId)?.socketId;
    if (socketId) io.to(socketId).emit('consumer:closed', { consumerId });
  });
  sfu.on('activeSpeaker', ({ roomId, peerId }) => {
    live.setActiveSpeaker(roomId, peerId);
    io.to(channel(roomId)).emit('room:activeSpeaker', { peerId });
  });
  sfu.on('audioLevels', ({ roomId, levels }) => io.to(channel(roomId)).emit('room:audioLevels', { levels }));
  sfu.on('roomReset', ({ roomId, reason }) => {
    live.resetMedia(roomId);
    log.warn({ roomId, reason }, 'room media reset; asking peers to rejoin');
    io.to(channel(roomId)).emit('room:rejoin', { reason });
  });
  live.on('roomClosed', ({ roomId, reason, peers }) => {
    for (const peer of peers) {
      const socket = io.sockets.sockets.get(peer.socketId);
      socket?.emit('room:closed', { reason });
      if (socket) socket.data.room = undefined;
      socket?.leave(channel(roomId));
    }
    sfu.request('room.close', { roomId }).catch((error: unknown) => log.error({ err: error, roomId }, 'sfu room close failed'));
  });

  return io;
}
