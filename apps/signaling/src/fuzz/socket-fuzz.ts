import { io, type Socket } from 'socket.io-client';
import { Ack, ErrorCode, PROTOCOL_VERSION, z } from '@roomcast/shared';
import { fc, garbage, messageFor } from '@roomcast/testkit/fuzz';

/** One registry of requests with acks on one socket.io namespace. */
export type Registry = Record<string, { request: z.ZodType }>;

export interface SocketMessage {
  event: string;
  payload: unknown;
  /** ack: a request as clients make it; noAck: the ack left off; binary: bytes beside the payload; raw: a packet written by hand. */
  mode: 'ack' | 'noAck' | 'binary' | 'extraArgs' | 'raw';
  extra: unknown;
}

// socket.io-client refuses to emit these names itself; the raw mode still sends them.
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** Messages for every event of a registry (schema-derived), unknown events, and hand-written packets. */
export function socketMessages(registry: Registry): fc.Arbitrary<SocketMessage> {
  const known = fc.oneof(...Object.entries(registry).map(([event, { request }]) => fc.record({ event: fc.constant(event), payload: messageFor(request) })));
  const unknown = fc.record({ event: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'room:join ', 'ROOM:JOIN')), payload: garbage });
  return fc.record({
    target: fc.oneof({ arbitrary: known, weight: 9 }, { arbitrary: unknown, weight: 1 }),
    mode: fc.constantFrom<SocketMessage['mode']>('ack', 'ack', 'ack', 'noAck', 'binary', 'extraArgs', 'raw'),
    extra: garbage,
  }).map(({ target, mode, extra }) => ({ ...target, mode: RESERVED.has(target.event) && mode !== 'raw' ? 'raw' : mode, extra }));
}

const AnyAck = Ack(z.unknown());

/** What went wrong with one answer, or undefined when it is a success or a typed refusal. */
export function judgeAck(answer: unknown): string | undefined {
  const parsed = AnyAck.safeParse(answer);
  if (!parsed.success) return `not an Ack: ${JSON.stringify(answer)?.slice(0, 300)}`;
  if (!parsed.data.ok && (!ErrorCode.options.includes(parsed.data.error.code) || parsed.data.error.code === 'internal')) return `error ${JSON.stringify(parsed.data.error)}`;
  return undefined;
}

/**
 * A fuzzing connection: reopened when the server closes it (an oversized or malformed packet
 * is answered by a disconnect, which is fine), then `setup` runs again (e.g. joins its room).
 */
export class FuzzSocket {
  #socket: Socket | undefined;
  reopened = 0;
  #nextRawId = 1_000_000;

  constructor(
    readonly base: string,
    readonly namespace: string,
    readonly auth: () => Record<string, unknown>,
    readonly cookie: string,
    readonly setup: (socket: Socket) => Promise<void> = async () => {},
  ) {}

  #opening: Promise<Socket> | undefined;

  /** The open connection; concurrent senders share one reopening. */
  ready(): Promise<Socket> {
    if (this.#socket?.connected) return Promise.resolve(this.#socket);
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #open(): Promise<Socket> {
    this.#socket?.close();
    if (this.#socket) this.reopened++;
    let socket: Socket | undefined;
    // A closed connection is counted against the account until the server has handled its
    // disconnect; a reconnect that races it is told `limit_exceeded` and tries again.
    for (let attempt = 0; !socket; attempt++) {
      const s = io(this.base + this.namespace, { transports: ['websocket'], auth: this.auth(), extraHeaders: this.cookie ? { cookie: this.cookie } : {}, reconnection: false, forceNew: true });
      const refused = await new Promise<unknown>((resolve) => {
        s.once('connect', () => resolve(undefined));
        s.once('connect_error', resolve);
      });
      if (!refused) socket = s;
      else if (attempt >= 40 || (refused as { data?: { code?: string } }).data?.code !== 'limit_exceeded') throw refused;
      else await new Promise((resolve) => setTimeout(resolve, 25 * (attempt + 1)));
    }
    this.#socket = socket;
    await this.setup(socket);
    return socket;
  }

  /** Sends one message; resolves with a complaint, or undefined when the answer (if any) was fine. */
  async send(m: SocketMessage, timeoutMs: number): Promise<string | undefined> {
    const socket = await this.ready();
    if (m.mode === 'noAck') {
      socket.emit(m.event, m.payload);
      return undefined;
    }
    if (m.mode === 'raw') {
      const id = this.#nextRawId++;
      const text = JSON.stringify([m.event, m.payload]) ?? 'null';
      // A well-formed EVENT packet with an ack id, or bytes that are not a packet at all.
      const nsp = this.namespace === '/' ? '' : `${this.namespace},`;
      socket.io.engine.write(typeof m.extra === 'string' ? m.extra : `2${nsp}${id}${text}`);
      return undefined;
    }
    const args = m.mode === 'binary' ? [m.payload, Buffer.from(JSON.stringify(m.extra) ?? '')] : m.mode === 'extraArgs' ? [m.payload, m.extra] : [m.payload];
    try {
      const answer: unknown = await socket.timeout(timeoutMs).emitWithAck(m.event, ...args);
      return judgeAck(answer);
    } catch (error) {
      // The server may close a connection that sent too much; a live one must answer in time.
      if (!socket.connected) return undefined;
      return `no answer to "${m.event}" in ${timeoutMs} ms (${String(error)})`;
    }
  }

  close(): void {
    this.#socket?.close();
  }
}

export const protocolAuth = () => ({ protocolVersion: PROTOCOL_VERSION });
