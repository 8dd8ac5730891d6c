import { io, type Socket } from 'socket.io-client';
import { agentEvents, PROTOCOL_VERSION, type AgentNotice, type ErrorBody } from '@roomcast/shared';
import { Catalog } from './catalog.js';
import { AgentError } from './config.js';
import { FairLimiter } from './fair-limiter.js';
import type { IndexDb } from './index-db.js';
import { TranscodeSlots } from './peer-server.js';
import { AgentSession } from './session.js';

export interface AgentOptions {
  server: string;
  token: string;
  index: IndexDb;
  maxUploadBytes: number | undefined;
  log: (line: string) => void;
  signal?: AbortSignal | undefined;
  /** Longest wait between reconnect attempts (socket.io backs off up to it, with jitter). */
  reconnectMaxMs?: number;
  /** Gather ICE candidates on this address only (tests pin loopback). */
  bindAddress?: string;
}

export interface RunningAgent {
  /** Resolves once signaling first registered this agent (browsers can reach it). */
  connected: Promise<void>;
  /** Settles when the agent stops for good: resolves on close(), rejects when unpaired. */
  stopped: Promise<void>;
  sessions(): AgentSession[];
  limiter: FairLimiter;
  /** Whom signaling says this agent belongs to (null until first registered), and whether it holds the agent now. */
  pairing(): { agentId: string; name: string | null; ownerName: string | null; online: boolean } | null;
  /** Tells every current listener something unasked (the watcher saw the index change). */
  notify(notice: AgentNotice): void;
  close(): void;
}

const ACK_TIMEOUT_MS = 10_000;
const ok = { ok: true, data: {} } as const;

/** Connects to signaling under the agent's token and serves every session it opens. */
export function startAgent(options: AgentOptions): RunningAgent {
  const catalog = new Catalog(options.index);
  const limiter = new FairLimiter(options.maxUploadBytes);
  const slots = new TranscodeSlots();
  const sessions = new Map<string, AgentSession>();
  const socket: Socket = io(`${options.server}/agent`, {
    auth: { protocolVersion: PROTOCOL_VERSION, token: options.token },
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: options.reconnectMaxMs ?? 30_000,
    randomizationFactor: 0.5,
  });
  let retryTimer: NodeJS.Timeout | undefined;
  let ready: { agentId: string; name: string | null; ownerName: string | null } | null = null;
  let online = false;
  let retries = 0;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  let finish!: (error?: Error) => void;
  const stopped = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });

  const endAll = () => {
    for (const s of sessions.values()) s.close();
    sessions.clear();
  };
  const close = (error?: Error) => {
    clearTimeout(retryTimer);
    endAll();
    limiter.close();
    socket.close();
    finish(error);
  };

  socket.on('connect', () => {
    retries = 0;
  });
  // Registered, not merely connected: browsers can open sessions on this agent from now on.
  socket.on('agent:ready', (payload: unknown) => {
    const parsed = agentEvents['agent:ready'].safeParse(payload);
    if (parsed.success) ready = { agentId: parsed.data.agentId, name: parsed.data.name ?? null, ownerName: parsed.data.ownerName ?? null };
    online = true;
    options.log(`connected to ${options.server}`);
    markConnected();
  });
  socket.on('disconnect', (reason) => {
    // The server ends this socket's sessions; listeners reconnect through a new one.
    online = false;
    endAll();
    options.log(`disconnected (${reason}); reconnecting`);
  });
  socket.on('connect_error', (error: Error & { data?: ErrorBody }) => {
    if (socket.active) return; // socket.io retries transport failures itself.
    if (error.data?.code === 'unauthenticated') return close(new AgentError(`the server refused this agent: ${error.data.message}`));
    // Refused for another reason (server busy, shutting down): try again, backing off.
    const delay = Math.min(options.reconnectMaxMs ?? 30_000, 500 * 2 ** retries++) * (0.5 + Math.random() / 2);
    retryTimer = setTimeout(() => socket.connect(), delay);
  });
  socket.on('agent:revoked', (payload: unknown) => {
    const parsed = agentEvents['agent:revoked'].safeParse(payload);
    close(new AgentError(`unpaired: ${parsed.success ? parsed.data.reason : 'by the server'}; pair again to share`));
  });

  socket.on('session:open', (payload: unknown, ack?: (r: unknown) => void) => {
    const parsed = agentEvents['session:open'].safeParse(payload);
    if (!parsed.success) return ack?.({ ok: false, error: { code: 'bad_request', message: 'bad session:open' } });
    const open = parsed.data;
    sessions.get(open.sessionId)?.close();
    sessions.set(
      open.sessionId,
      new AgentSession(open, {
        catalog,
        limiter,
        slots,
        log: options.log,
        bindAddress: options.bindAddress,
        signal: (signal) => socket.emit('session:signal', { sessionId: open.sessionId, signal }, () => {}),
        end: () => {
          sessions.get(open.sessionId)?.close();
          sessions.delete(open.sessionId);
          socket.emit('session:close', { sessionId: open.sessionId }, () => {});
        },
        relay: async (data) => {
          try {
            const answer = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('session:relay', { sessionId: open.sessionId, data })) as { ok: boolean };
            return answer.ok;
          } catch {
            return false;
          }
        },
      }),
    );
    ack?.(ok);
  });
  socket.on('session:signal', (payload: unknown) => {
    const parsed = agentEvents['session:signal'].safeParse(payload);
    if (parsed.success) sessions.get(parsed.data.sessionId)?.signal(parsed.data.signal);
  });
  socket.on('session:relay', (payload: unknown, ack?: (r: unknown) => void) => {
    const parsed = agentEvents['session:relay'].safeParse(payload);
    const session = parsed.success ? sessions.get(parsed.data.sessionId) : undefined;
    if (!parsed.success || !session) return ack?.({ ok: false, error: { code: 'not_found', message: 'no such session' } });
    session.relay(parsed.data.data);
    ack?.(ok);
  });
  socket.on('session:closed', (payload: unknown) => {
    const parsed = agentEvents['session:closed'].safeParse(payload);
    if (!parsed.success) return;
    sessions.get(parsed.data.sessionId)?.close();
    sessions.delete(parsed.data.sessionId);
  });

  return {
    connected,
    stopped,
    sessions: () => [...sessions.values()],
    limiter,
    pairing: () => (ready ? { ...ready, online } : null),
    notify: (notice) => sessions.forEach((s) => s.notify(notice)),
    close: () => close(),
  };
}

/**
 * `roomcast-agent start`: serves until the signal aborts, or fails when the agent is unpaired.
 * `attach` starts what lives beside the agent (the folder watcher, the status page) and returns
 * how to stop it.
 */
export async function runAgent(options: AgentOptions, attach?: (agent: RunningAgent) => Promise<() => Promise<void>>): Promise<void> {
  const agent = startAgent(options);
  const onAbort = () => agent.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let detach: (() => Promise<void>) | undefined;
  try {
    detach = await attach?.(agent);
    if (options.signal?.aborted) agent.close();
    await agent.stopped;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    agent.close();
    await detach?.();
  }
}
