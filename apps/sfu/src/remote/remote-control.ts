import { EventEmitter, once } from 'node:events';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { parseOrThrow, RoomcastError, sfuEvents, sfuMethods, type SfuControl, type SfuEvents, type SfuMethod, type SfuParams, type SfuResult } from '@roomcast/shared';
import { sampled } from '../sampled.js';
import { ANSWER_MAX_BYTES, authorization, ControlMessage, REQUEST_MAX_BYTES } from './wire.js';

export interface RemoteSfuControlOptions {
  /** The SFU's control channel, e.g. ws://127.0.0.1:4080 (SFU_URL). */
  url: string;
  secret: string;
  /** A request not answered by then fails with `unavailable`. */
  requestTimeoutMs?: number;
  /** Reconnect delays grow from `minMs` to `maxMs`, each drawn at random below the bound. */
  backoff?: { minMs: number; maxMs: number };
  /** A connection that does not answer a ping within this interval is dropped and redialled. */
  heartbeatMs?: number;
  log?: Logger;
}

interface Pending {
  method: SfuMethod;
  frame: string;
  sent: boolean;
  timer: NodeJS.Timeout;
  resolve: (value: never) => void;
  reject: (error: RoomcastError) => void;
}

const unavailable = (why: string) => new RoomcastError('unavailable', `media server unavailable: ${why}`);

/**
 * `SfuControl` over the SFU node's WebSocket control channel. Params are validated before they
 * leave, answers and events when they arrive. The connection redials with jittered backoff;
 * requests in flight when it drops fail with `unavailable` (the caller decides whether to retry).
 */
export class RemoteSfuControl implements SfuControl {
  readonly #options: Required<Omit<RemoteSfuControlOptions, 'log'>> & { log: Logger | undefined };
  readonly #events = new EventEmitter();
  readonly #status = new EventEmitter<{ open: []; closed: [] }>();
  readonly #pending = new Map<number, Pending>();
  readonly #dropped: ((detail?: object) => void) | undefined;
  #ws: WebSocket | undefined;
  #state: 'connecting' | 'open' | 'waiting' | 'closed' = 'connecting';
  #lastError = 'not connected yet';
  #attempt = 0;
  #nextId = 0;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: RemoteSfuControlOptions) {
    this.#options = { requestTimeoutMs: 10_000, backoff: { minMs: 200, maxMs: 5_000 }, heartbeatMs: 10_000, ...options, log: options.log };
    this.#dropped = options.log && sampled(options.log, 'sfu control message failed its schema; dropped');
    this.#status.setMaxListeners(0);
    this.#connect();
  }

  get connected(): boolean {
    return this.#state === 'open';
  }

  /** Resolves when connected (at once if it is); rejects with `unavailable` after `timeoutMs`. */
  async ready(timeoutMs = this.#options.requestTimeoutMs): Promise<void> {
    if (this.#state === 'open') return;
    if (this.#state === 'closed') throw unavailable('closed');
    await once(this.#status, 'open', { signal: AbortSignal.timeout(timeoutMs) }).catch(() => {
      throw unavailable(this.#lastError);
    });
  }

  async request<M extends SfuMethod>(method: M, params: SfuParams<M>): Promise<SfuResult<M>> {
    if (!Object.hasOwn(sfuMethods, method)) throw new RoomcastError('unknown_event', `unknown sfu method ${String(method).slice(0, 64)}`);
    const parsed = parseOrThrow(sfuMethods[method].params, params, `${method} parameters`);
    // Between connections, fail fast: waiting would only delay the caller's own retry.
    if (this.#state === 'closed' || this.#state === 'waiting') throw unavailable(this.#lastError);
    const id = ++this.#nextId;
    const frame = JSON.stringify({ id, method, params: parsed });
    if (Buffer.byteLength(frame) > REQUEST_MAX_BYTES) throw new RoomcastError('payload_too_large', `${method} request is too large`);
    return new Promise<SfuResult<M>>((resolve, reject) => {
      const { requestTimeoutMs } = this.#options;
      const timer = setTimeout(() => this.#settle(id, unavailable(`${method} not answered within ${requestTimeoutMs} ms`)), requestTimeoutMs);
      this.#pending.set(id, { method, frame, sent: false, timer, resolve: resolve as (value: never) => void, reject });
      if (this.#state === 'open') this.#send(id);
    });
  }

  on<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void {
    this.#events.on(event, listener);
  }

  off<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void {
    this.#events.off(event, listener);
  }

  /** Stops redialling, fails what is pending, closes the connection; idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#lastError = 'closed';
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    this.#failAll(unavailable('closed'));
    const ws = this.#ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      // Not events.once: it would reject on the 'error' a connection aborted mid-handshake emits.
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.terminate();
      await closed;
    }
    this.#status.emit('closed');
  }

  #connect(): void {
    this.#state = 'connecting';
    const ws = new WebSocket(this.#options.url, {
      headers: { authorization: authorization(this.#options.secret) },
      maxPayload: ANSWER_MAX_BYTES,
      handshakeTimeout: this.#options.requestTimeoutMs,
    });
    this.#ws = ws;
    let alive = true;
    ws.on('open', () => {
      this.#state = 'open';
      this.#attempt = 0;
      this.#options.log?.info({ url: this.#options.url }, 'sfu control channel connected');
      for (const id of this.#pending.keys()) this.#send(id);
      this.#heartbeat = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, this.#options.heartbeatMs);
      this.#status.emit('open');
    });
    ws.on('pong', () => (alive = true));
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    // The secret never appears here: ws reports only the status line ("Unexpected server response: 401").
    ws.on('error', (error) => (this.#lastError = error.message));
    ws.on('close', (code) => this.#onClose(code));
  }

  #onClose(code: number): void {
    clearInterval(this.#heartbeat);
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    if (wasOpen) this.#lastError = `connection lost (${code})`;
    this.#state = 'waiting';
    this.#failAll(unavailable(this.#lastError));
    const { minMs, maxMs } = this.#options.backoff;
    const delay = Math.random() * Math.min(maxMs, minMs * 2 ** this.#attempt++);
    if (wasOpen || this.#attempt === 1) this.#options.log?.warn({ url: this.#options.url, why: this.#lastError }, 'sfu control channel down; redialling');
    this.#retry = setTimeout(() => this.#connect(), delay);
  }

  #send(id: number): void {
    const pending = this.#pending.get(id);
    if (!pending || pending.sent) return;
    pending.sent = true;
    this.#ws!.send(pending.frame);
  }

  #settle(id: number, outcome: { ok: unknown } | RoomcastError): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (outcome instanceof RoomcastError) pending.reject(outcome);
    else pending.resolve(outcome.ok as never);
  }

  #failAll(error: RoomcastError): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, error);
  }

  #receive(data: RawData, isBinary: boolean): void {
    let message: ControlMessage;
    try {
      if (isBinary) throw new Error('binary frame');
      message = ControlMessage.parse(JSON.parse(String(data)));
    } catch {
      return this.#dropped?.({ what: 'envelope' });
    }
    if ('event' in message) {
      const schema = Object.hasOwn(sfuEvents, message.event) ? sfuEvents[message.event as keyof SfuEvents] : undefined;
      const checked = schema?.safeParse(message.payload);
      if (checked?.success) this.#events.emit(message.event, checked.data);
      else this.#dropped?.({ event: message.event });
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if ('error' in message) {
      const { code, message: text, issues } = message.error;
      return this.#settle(message.id, new RoomcastError(code, text, issues));
    }
    const checked = sfuMethods[pending.method].result.safeParse(message.result);
    if (checked.success) return this.#settle(message.id, { ok: checked.data });
    this.#dropped?.({ method: pending.method });
    this.#settle(message.id, new RoomcastError('internal', `the media server answered ${pending.method} with an invalid result`));
  }
}
