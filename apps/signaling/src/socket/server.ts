import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { Mailer } from '../email/mailer.js';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Limiters } from '../limits/limiters.js';
import { Server } from 'socket.io';
import { Handshake, LIMITS, PROTOCOL_VERSION, type ErrorBody, type RoomKind, type SfuControl } from '@roomcast/shared';
import { registerDjHandlers } from '../dj/dj-handlers.js';
import { DjLive, type DjSettings } from '../dj/dj-live.js';
import type { LiveCountsStore } from '../dj/live-counts.js';
import type { Timers } from '../dj/push-throttle.js';
import type { Clock } from '../rooms/clock.js';
import { sessionKey, type Sessions } from '../auth/sessions.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import type { Database } from '../db/index.js';
import { clientAddress, type TrustProxy } from '../http/proxy.js';
import type { JoinLimit } from '../limits/join-limit.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import type { ModerationStore } from '../rooms/moderation-store.js';
import { RoomMedia } from '../rooms/room-media.js';
import { KeyedSerial } from '../rooms/serial.js';
import { AccountSockets } from './account-sockets.js';
import { Dispatcher } from './dispatch.js';
import { leaveRoom } from './leave.js';
import { registerMediaHandlers } from './media-handlers.js';
import { registerModerationHandlers } from './moderation-handlers.js';
import { partyHandlers } from './party-handlers.js';
import type { PartyService } from '../party/party-service.js';
import type { VideoAccess } from '../videos/video-store.js';
import { RefusalLog } from './refusals.js';
import { registerRoomHandlers } from './room-handlers.js';
import { relaySfuEvents } from './sfu-events.js';
import type { SocketRegistry } from './socket-registry.js';
import { channel, type RoomcastIo } from './types.js';

export interface SocketDeps {
  db: Database;
  sessions: Sessions;
  sfu: SfuControl;
  live: LiveRoomStore;
  moderation: ModerationStore;
  registry: SocketRegistry;
  log: Logger;
  eventsPerSecond: number;
  roomLimits: Record<RoomKind, number>;
  turn: TurnSettings | undefined;
  connectTimeoutMs?: number | undefined;
  accepting: () => boolean;
  /** Watch parties: their state and who may watch their videos. */
  party: PartyService;
  videoAccess: VideoAccess;
  /** Room time: party clocks, DJ counts (injected by tests). */
  clock: Clock;
  allowRequest?: import('socket.io').ServerOptions['allowRequest'];
  /** Room joins per account and per address. */
  joins: JoinLimit;
  /** Where per-account counters live (memory, or Redis when configured): party chat and reactions. */
  limiters: Limiters;
  /** Whose X-Forwarded-For to believe: the join limit keys on the address it yields. */
  trustProxy: TrustProxy;
  /** Live DJ: settings, the shared counts, and timers (injected by tests). */
  dj: DjSettings;
  djCounts: LiveCountsStore;
  timers?: Timers | undefined;
  /** Where "live now" emails to followers go; absent: followers are told in the app only. */
  mailer?: Mailer | undefined;
  publicUrl?: string | undefined;
}

export interface SocketLayer {
  io: RoomcastIo;
  accounts: AccountSockets;
  refusals: RefusalLog;
  /** `closed` fires once a connection's queued work, its leave included, is done after it disconnected. */
  events: EventEmitter<{ closed: [socketId: string] }>;
  dj: DjLive;
  /** Closes a room for good: its members are told, its media and moderation go (the database row is the caller's). */
  closeRoom(roomId: string, reason: string): Promise<void>;
  /** Resolves once every disconnected connection has left its room (shutdown waits for it before closing the SFU). */
  drain(): Promise<void>;
}

/** A refused handshake: socket.io hands `data` to the client's connect_error. */
function refusal(error: ErrorBody): Error & { data: ErrorBody } {
  return Object.assign(new Error(error.code), { data: error });
}

/** Where socket.io's requests and upgrades arrive (its default path, as the clients use it). */
export const SOCKET_IO_PATH = '/socket.io/';

export function createSocketServer(httpServer: HttpServer, deps: SocketDeps): SocketLayer {
  const { log, live, sfu, registry } = deps;
  const io: RoomcastIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.socketMessageBytes,
    // Stray upgrades are refused by http/upgrades.ts; engine.io's own refusal would cut the PeerJS one mid-authentication.
    destroyUpgrade: false,
    // Same-origin only: the session cookie must not ride a cross-site socket.
    cors: { origin: false },
    allowRequest: deps.allowRequest,
  });
  const limiter = new RateLimiterMemory({ points: deps.eventsPerSecond, duration: 1 });
  const queue = new KeyedSerial();
  const refusals = new RefusalLog(log);
  const media = new RoomMedia(sfu, live);
  const accounts = new AccountSockets(io, registry, live);
  const events = new EventEmitter<{ closed: [socketId: string] }>();
  const teardowns = new Set<Promise<void>>();
  const registerParty = partyHandlers(deps);
  const dj = new DjLive({
    db: deps.db,
    sfu,
    live,
    counts: deps.djCounts,
    io,
    log,
    clock: deps.clock,
    timers: deps.timers,
    settings: deps.dj,
    limiters: deps.limiters,
    liveNow: { tell: (userId, payload) => accounts.emitToAccount(userId, 'dj:liveNow', payload), mailer: deps.mailer, publicUrl: deps.publicUrl },
  });
  /** Joins and leaves of DJ rooms feed the listener counts. */
  const onMembership = (event: { roomId: string; peerId: string; kind: RoomKind; host: boolean; joined: boolean }) => {
    if (event.kind !== 'dj') return;
    dj.membership(event).catch((error: unknown) => log.warn({ err: error, roomId: event.roomId }, 'dj listener count failed'));
  };

  io.use((socket, next) => {
    const handshake = Handshake.safeParse(socket.handshake.auth);
    if (!handshake.success || handshake.data.protocolVersion !== PROTOCOL_VERSION) {
      return next(refusal({ code: 'protocol_mismatch', message: `this server speaks protocol ${PROTOCOL_VERSION}; reload the page` }));
    }
    const cookie = socket.handshake.headers.cookie;
    (async () => {
      const user = await deps.sessions.resolve(cookie);
      if (!user) return next(refusal({ code: 'unauthenticated', message: 'sign in or join as a guest first' }));
      const key = sessionKey(cookie)!;
      if (!(await registry.add({ socketId: socket.id, userId: user.id, sessionKey: key }, LIMITS.socketsPerAccount))) {
        return next(refusal({ code: 'limit_exceeded', message: `at most ${LIMITS.socketsPerAccount} open connections per account; close a tab` }));
      }
      // A client gone during the lookup never connects, so never disconnects: unregister it here.
      socket.conn.once('close', () => void registry.remove(socket.id));
      if (socket.conn.readyState !== 'open') await registry.remove(socket.id);
      socket.data.user = user;
      socket.data.sessionKey = key;
      next();
    })().catch((error: unknown) => {
      log.error({ err: error }, 'socket session lookup failed');
      next(refusal({ code: 'unavailable', message: 'could not check your session; try again' }));
    });
  });

  io.on('connection', (socket) => {
    const socketLog = log.child({ socketId: socket.id, userId: socket.data.user.id });
    const dispatcher = new Dispatcher(socket, { limiter, queue, refusals, log: socketLog });
    // The address under the same proxy rule Express applies to req.ip, read once per connection.
    const address = clientAddress(socket.request, deps.trustProxy);
    const takeJoin = () => deps.joins.take(socket.data.user.id, address);
    const handlerDeps = { ...deps, media, queue, log: socketLog, onMembership, takeJoin };
    registerRoomHandlers(socket, dispatcher, handlerDeps);
    registerMediaHandlers(socket, dispatcher, handlerDeps);
    registerModerationHandlers(socket, dispatcher, handlerDeps);
    registerParty(socket, dispatcher);
    registerDjHandlers(socket, dispatcher, dj);
    socket.on('disconnect', (reason) => {
      socketLog.debug({ reason }, 'socket disconnected');
      void registry.remove(socket.id);
      const teardown = queue
        .run(socket.id, () => leaveRoom(socket, handlerDeps))
        .catch((error: unknown) => socketLog.error({ err: error }, 'leave on disconnect failed'))
        .finally(() => {
          teardowns.delete(teardown);
          refusals.forget(socket.id);
          events.emit('closed', socket.id);
        });
      teardowns.add(teardown);
    });
  });

  relaySfuEvents(io, sfu, live, log);

  const closeRoom = async (roomId: string, reason: string) => {
    const peers = await live.close(roomId);
    await Promise.all(
      peers.map(async (peer) => {
        const socket = io.sockets.sockets.get(peer.socketId);
        if (!socket) return;
        await queue.run(socket.id, async () => {
          if (socket.data.room?.roomId !== roomId) return;
          socket.data.room = undefined;
          await socket.leave(channel(roomId));
          socket.emit('room:closed', { reason });
        });
      }),
    );
    await deps.moderation.forget(roomId);
    await deps.party.end(roomId);
    await dj.forget(roomId);
    await media.close(roomId);
    log.info({ roomId, reason, peers: peers.length }, 'room closed');
  };

  const drain = async () => {
    while (teardowns.size > 0) await Promise.all([...teardowns]);
  };

  return { io, accounts, refusals, events, dj, closeRoom, drain };
}
