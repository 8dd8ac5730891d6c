import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Namespace, Server, Socket } from 'socket.io';
import {
  AgentHandshake,
  agentRequests,
  Handshake,
  LIMITS,
  libraryRequests,
  PROTOCOL_VERSION,
  RoomcastError,
  type ErrorBody,
  type RelayFrame,
  type SessionOpen,
} from '@roomcast/shared';
import { hashToken, type Sessions } from '../auth/sessions.js';
import { iceExtras } from '../auth/ice-config.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import type { Database } from '../db/index.js';
import type { RefusalLog } from '../socket/refusals.js';
import { answerAll } from './answer.js';
import type { AgentPresenceStore, LibrarySession } from './presence-store.js';

export interface LibrarySocketDeps {
  io: Server;
  db: Database;
  sessions: Sessions;
  presence: AgentPresenceStore;
  refusals: RefusalLog;
  log: Logger;
  turn: TurnSettings | undefined;
  connectTimeoutMs: number;
  eventsPerSecond: number;
  /** How long a forwarded request or relay frame may wait for the other end's answer. */
  forwardTimeoutMs?: number;
}

export interface LibrarySockets {
  agents: Namespace;
  browsers: Namespace;
  /** The agent was unpaired: it is told, disconnected, and its sessions end. */
  unpaired(agentId: string): Promise<void>;
  /** A grant was revoked: that person's sessions on the agent end now, mid-stream or not. */
  revoked(agentId: string, userId: string): Promise<void>;
}

const L = LIMITS.library;
const userRoom = (userId: string) => `user:${userId}`;
const agentRoom = (agentId: string) => `agent:${agentId}`;
const refusal = (error: ErrorBody): Error & { data: ErrorBody } => Object.assign(new Error(error.code), { data: error });

/**
 * Two socket.io namespaces beside the rooms' default one: `/agent` for desktop agents (token in
 * the handshake) and `/library` for browsers (the session cookie). Signaling opens a session
 * only for someone who owns or was granted the agent, and relays signals and relay frames only
 * between the two sockets of that session: nobody else's bytes ever reach an agent.
 */
export function attachLibrarySockets(deps: LibrarySocketDeps): LibrarySockets {
  const { io, db, presence, log } = deps;
  const agents = io.of('/agent');
  const browsers = io.of('/library');
  const limiter = new RateLimiterMemory({ points: deps.eventsPerSecond, duration: 1 });
  const forwardMs = deps.forwardTimeoutMs ?? 10_000;
  /** Relay bytes forwarded and not yet acknowledged, per session, on this instance. */
  const inFlight = new Map<string, number>();

  const answerDeps = (socketLog: Logger) => (event: PropertyKey) => ({
    limiter: String(event).endsWith(':relay') ? null : limiter,
    refusals: deps.refusals,
    log: socketLog,
  });

  const announce = async (agentId: string, online: boolean) => {
    for (const userId of await db.library.audience(agentId)) browsers.to(userRoom(userId)).emit('library:presence', { agentId, online });
  };

  const endSession = (session: LibrarySession, reason: string, tell: { browser: boolean; agent: boolean; retry?: boolean }) => {
    inFlight.delete(`${session.sessionId}>library:relay`);
    inFlight.delete(`${session.sessionId}>session:relay`);
    if (tell.browser) browsers.to(session.browserSocketId).emit('library:closed', { sessionId: session.sessionId, reason, retry: tell.retry ?? false });
    if (tell.agent) agents.to(session.agentSocketId).emit('session:closed', { sessionId: session.sessionId, reason });
  };

  /**
   * Forwards one relay frame and resolves once the far end took it: the window is the
   * back-pressure. Each direction has its own window, so a listener's small requests never
   * eat into the room the agent's chunks were promised.
   */
  const forwardRelay = async (to: Namespace, socketId: string, event: string, frame: RelayFrame) => {
    const size = typeof frame.data === 'string' ? frame.data.length : frame.data.byteLength;
    const key = `${frame.sessionId}>${event}`;
    const held = inFlight.get(key) ?? 0;
    if (held + size > L.relayWindowBytes) throw new RoomcastError('rate_limited', `at most ${L.relayWindowBytes} relay bytes unacknowledged per session; wait for acks`);
    inFlight.set(key, held + size);
    try {
      await to.to(socketId).timeout(forwardMs).emitWithAck(event, frame);
    } catch {
      throw new RoomcastError('unavailable', 'the other end did not take the frame in time');
    } finally {
      const left = (inFlight.get(key) ?? size) - size;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    }
  };

  // ---- agents ----
  agents.use((socket, next) => {
    const auth = AgentHandshake.safeParse(socket.handshake.auth);
    if (!auth.success) return next(refusal({ code: 'unauthenticated', message: 'an agent connects with its token; pair it first (roomcast-agent pair)' }));
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) return next(refusal({ code: 'protocol_mismatch', message: `this server speaks protocol ${PROTOCOL_VERSION}; update the agent` }));
    db.library.findAgentByTokenHash(hashToken(auth.data.token)).then(
      (agent) => {
        if (!agent) return next(refusal({ code: 'unauthenticated', message: 'this agent was unpaired or its token is wrong; pair it again' }));
        socket.data.agentId = agent.id;
        socket.data.ownerId = agent.ownerId;
        socket.data.ready = { agentId: agent.id, name: agent.name, ownerName: agent.ownerName };
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'agent token lookup failed');
        next(refusal({ code: 'unavailable', message: 'could not check the token; try again' }));
      },
    );
  });

  agents.on('connection', (socket: Socket) => {
    const agentId = socket.data.agentId as string;
    const socketLog = log.child({ agentId, socketId: socket.id });
    void socket.join(agentRoom(agentId));
    const ready = presence.connect(agentId, socket.id).then(async (previous) => {
      // One connection per agent: a restarted agent replaces the one the server still holds.
      if (previous) agents.in(previous).disconnectSockets(true);
      // Named, so the agent's status page can say whose it is.
      socket.emit('agent:ready', socket.data.ready);
      await announce(agentId, true);
      socketLog.info('agent online');
    });
    const mine = async (sessionId: string) => {
      await ready;
      const session = await presence.session(sessionId);
      if (!session || session.agentSocketId !== socket.id) throw new RoomcastError('not_found', 'no such session on this agent');
      return session;
    };
    answerAll(socket, agentRequests, {
      'session:signal': async ({ sessionId, signal }) => {
        const session = await mine(sessionId);
        browsers.to(session.browserSocketId).emit('library:signal', { sessionId, signal });
        return {};
      },
      'session:relay': async (frame) => {
        const session = await mine(frame.sessionId);
        await forwardRelay(browsers, session.browserSocketId, 'library:relay', frame);
        return {};
      },
      'session:close': async ({ sessionId }) => {
        const session = await mine(sessionId);
        // The agent is still there: the listener may open a new session at once.
        if (await presence.closeSession(sessionId)) endSession(session, 'the agent closed the session', { browser: true, agent: false, retry: true });
        return {};
      },
    }, answerDeps(socketLog));
    socket.on('disconnect', () => {
      void ready
        .then(() => presence.disconnect(agentId, socket.id))
        .then(async (ended) => {
          for (const session of ended) endSession(session, 'the agent went offline', { browser: true, agent: false, retry: true });
          if (!(await presence.socketOf(agentId))) await announce(agentId, false);
          socketLog.info({ sessions: ended.length }, 'agent offline');
        })
        .catch((error: unknown) => socketLog.error({ err: error }, 'agent disconnect cleanup failed'));
    });
  });

  // ---- browsers ----
  browsers.use((socket, next) => {
    const handshake = Handshake.safeParse(socket.handshake.auth);
    if (!handshake.success || handshake.data.protocolVersion !== PROTOCOL_VERSION) {
      return next(refusal({ code: 'protocol_mismatch', message: `this server speaks protocol ${PROTOCOL_VERSION}; reload the page` }));
    }
    deps.sessions.resolve(socket.handshake.headers.cookie).then(
      (user) => {
        if (!user) return next(refusal({ code: 'unauthenticated', message: 'sign in first' }));
        socket.data.user = user;
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'library socket session lookup failed');
        next(refusal({ code: 'unavailable', message: 'could not check your session; try again' }));
      },
    );
  });

  browsers.on('connection', (socket: Socket) => {
    const user = socket.data.user as { id: string; displayName: string };
    const socketLog = log.child({ userId: user.id, socketId: socket.id });
    void socket.join(userRoom(user.id));
    const mine = async (sessionId: string) => {
      const session = await presence.session(sessionId);
      if (!session || session.browserSocketId !== socket.id) throw new RoomcastError('not_found', 'no such library session; open one first');
      return session;
    };
    answerAll(socket, libraryRequests, {
      'library:open': async ({ agentId, relay }) => {
        // Refused before the agent hears anything: someone else's agent looks like no agent.
        if (!(await db.library.mayUse(agentId, user.id))) throw new RoomcastError('not_found', 'no such library, or it is not shared with you');
        const agentSocketId = await presence.socketOf(agentId);
        if (!agentSocketId) throw new RoomcastError('unavailable', 'that computer is offline; start roomcast-agent there');
        const session: LibrarySession = { sessionId: randomBytes(12).toString('base64url'), agentId, userId: user.id, browserSocketId: socket.id, agentSocketId, relay };
        const refused = await presence.openSession(session, { perAccount: L.sessionsPerAccount, perAgent: L.sessionsPerAgent });
        if (refused === 'account_cap') throw new RoomcastError('limit_exceeded', `at most ${L.sessionsPerAccount} library connections per account`);
        if (refused === 'agent_cap') throw new RoomcastError('limit_exceeded', `this library serves at most ${L.sessionsPerAgent} connections at once`);
        const open: SessionOpen = { sessionId: session.sessionId, userId: user.id, displayName: user.displayName, iceServers: iceExtras(deps, `agent-${agentId}`).iceServers ?? [], relay };
        // A broadcast to a socket that just went away resolves with no answers, not an error.
        const answers = (await agents.to(agentSocketId).timeout(forwardMs).emitWithAck('session:open', open).catch(() => [])) as { ok?: boolean }[];
        if (!answers.some((a) => a?.ok)) {
          await presence.closeSession(session.sessionId);
          throw new RoomcastError('unavailable', 'the agent did not answer; it may be restarting');
        }
        return { sessionId: session.sessionId, iceServers: iceExtras(deps, user.id).iceServers ?? [], connectTimeoutMs: deps.connectTimeoutMs };
      },
      'library:signal': async ({ sessionId, signal }) => {
        const session = await mine(sessionId);
        agents.to(session.agentSocketId).emit('session:signal', { sessionId, signal });
        return {};
      },
      'library:relay': async (frame) => {
        const session = await mine(frame.sessionId);
        await forwardRelay(agents, session.agentSocketId, 'session:relay', frame);
        return {};
      },
      'library:close': async ({ sessionId }) => {
        const session = await mine(sessionId);
        if (await presence.closeSession(sessionId)) endSession(session, 'the listener closed the session', { browser: false, agent: true });
        return {};
      },
    }, answerDeps(socketLog));
    socket.on('disconnect', () => {
      void presence
        .sessionsWhere({ browserSocketId: socket.id })
        .then(async (open) => {
          for (const session of open) if (await presence.closeSession(session.sessionId)) endSession(session, 'the listener went away', { browser: false, agent: true });
        })
        .catch((error: unknown) => socketLog.error({ err: error }, 'library disconnect cleanup failed'));
    });
  });

  return {
    agents,
    browsers,
    async unpaired(agentId) {
      agents.to(agentRoom(agentId)).emit('agent:revoked', { reason: 'this computer was unpaired from its account' });
      agents.in(agentRoom(agentId)).disconnectSockets(true);
    },
    async revoked(agentId, userId) {
      for (const session of await presence.sessionsWhere({ agentId, userId })) {
        if (await presence.closeSession(session.sessionId)) endSession(session, 'the owner stopped sharing this library with you', { browser: true, agent: true });
      }
    },
  };
}
