import type { z } from 'zod';
import { RoomcastError } from './errors.js';
import { AgentNotice, AgentResponse, agentResults, decodeChunk, parseAgentMessage, type AgentRequest } from './library.js';
import { LIMITS } from './limits.js';

type Op = Exclude<AgentRequest['op'], 'ack'>;
type RequestOf<O extends Op> = Omit<Extract<AgentRequest, { op: O }>, 'id' | 'op'>;
export type ResultOf<O extends Op> = z.infer<(typeof agentResults)[O]>;

interface Pending {
  op: Op;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  header?: { expected: number; value: unknown };
  chunks: Uint8Array[];
  received: number;
  onChunk: ((bytes: Uint8Array) => void) | undefined;
  onHeader?: ((header: unknown) => void) | undefined;
}

/** A read's answer: the header (start, length, file size, MIME type) and the bytes. */
export interface ReadResult {
  header: ResultOf<'read'>;
  bytes: Uint8Array;
}

/**
 * Bytes received between acks on a data channel: a chunk each (its 4-byte id aside). The
 * agent's window must hold more than this plus a chunk, or it would wait for an ack never sent.
 */
export const ACK_EVERY_BYTES = LIMITS.library.chunkBytes;

export interface AttachOptions {
  /** Acknowledge binary bytes as they arrive (a data channel: the agent's window; the relay has its own). */
  ack?: boolean;
}

/**
 * The listener's end of the agent protocol, whatever carries it (a data channel in a browser or
 * in Node, or the server relay): numbered requests, JSON answers checked against their schemas,
 * binary chunks reassembled by request id. Feed it every message received; `detach` fails what
 * is pending (a rung change), and the caller asks again from the byte it has.
 */
export class LibraryClient {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #send: ((data: string) => void) | null = null;
  /** Binary bytes received on this carrier, and how many of them the agent was told of. */
  #received = 0;
  #acked = 0;
  #acking = false;
  /** Called with what the agent says unasked (its index changed). */
  onNotice: ((notice: AgentNotice) => void) | null = null;

  constructor(send: (data: string) => void, options: AttachOptions = {}) {
    this.attach(send, options);
  }

  /**
   * Points the client at a new carrier (after a rung change). With `ack`, the first ack (0) goes
   * at once, before any request: it turns the agent's window on for this carrier.
   */
  attach(send: (data: string) => void, options: AttachOptions = {}): void {
    this.#send = send;
    this.#acking = options.ack ?? false;
    this.#received = this.#acked = 0;
    if (this.#acking) this.#ack();
  }

  /** The carrier went: everything pending fails with `reason`. */
  detach(reason: string): void {
    this.#send = null;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new RoomcastError('unavailable', reason));
    }
  }

  get pending(): number {
    return this.#pending.size;
  }

  request<O extends Exclude<Op, 'read' | 'cover' | 'cancel'>>(op: O, params: RequestOf<O>): Promise<ResultOf<O>> {
    return this.#ask(op, params, undefined).then((r) => r as ResultOf<O>);
  }

  /**
   * Bytes [start, end) of a track. With `onChunk` they are handed on as they arrive, not kept
   * (a player that streams; `bytes` is then empty); `onHeader` sees the answer before them.
   */
  async read(trackId: string, start: number, end?: number, onChunk?: (bytes: Uint8Array) => void, onHeader?: (header: ResultOf<'read'>) => void): Promise<ReadResult> {
    const { value, bytes } = (await this.#ask('read', { trackId, start, ...(end !== undefined ? { end } : {}) }, onChunk, onHeader as ((h: unknown) => void) | undefined)) as { value: ResultOf<'read'>; bytes: Uint8Array };
    return { header: value, bytes };
  }

  /**
   * Data saver: the track as Opus at about `kbps` from `startMs`, streamed to `onChunk` as it is
   * encoded. Resolves at the end of the stream with the header and the byte count; without
   * `onChunk` the bytes are kept and returned too (tests, short tracks).
   */
  async transcode(
    trackId: string,
    options: { kbps: number; startMs?: number },
    onChunk?: (bytes: Uint8Array) => void,
    /** Called with the header as soon as it arrives (a player starts its stream then). */
    onHeader?: (header: ResultOf<'transcode'>) => void,
  ): Promise<{ header: ResultOf<'transcode'>; bytes: Uint8Array; received: number }> {
    const { value, bytes, received } = (await this.#ask('transcode', { trackId, kbps: options.kbps, startMs: options.startMs ?? 0 }, onChunk, onHeader as (h: unknown) => void)) as {
      value: ResultOf<'transcode'>;
      bytes: Uint8Array;
      received: number;
    };
    return { header: value, bytes, received };
  }

  /** Stops a read or transcode in flight (it fails here with `cancelled`; the agent stops sending). */
  cancel(requestId: number): void {
    const p = this.#pending.get(requestId);
    if (!p) return;
    this.#pending.delete(requestId);
    p.reject(new RoomcastError('conflict', 'cancelled'));
    try {
      this.#send?.(JSON.stringify({ id: this.#nextId, op: 'cancel', target: requestId }));
      this.#nextId = (this.#nextId % 0xffff_fff0) + 1;
    } catch {
      // The carrier is gone: nothing is sent any more anyway.
    }
  }

  /** The id the next request will get (so a caller can cancel the stream it is about to start). */
  get nextRequestId(): number {
    return this.#nextId;
  }

  async cover(trackId: string): Promise<{ mime: string; bytes: Uint8Array }> {
    const { value, bytes } = (await this.#ask('cover', { trackId }, undefined)) as { value: ResultOf<'cover'>; bytes: Uint8Array };
    return { mime: value.mime, bytes };
  }

  /** Feed every message the carrier delivers. Malformed ones are dropped (a buggy agent cannot crash the page). */
  receive(data: string | Uint8Array | ArrayBuffer): void {
    if (typeof data !== 'string') {
      // Every binary message counts, a cancelled read's too: the agent counted it as sent.
      this.#received += data.byteLength;
      if (this.#acking && this.#received - this.#acked >= ACK_EVERY_BYTES) this.#ack();
      return this.#chunk(data);
    }
    const parsed = parseAgentMessage(AgentResponse, data);
    if (!parsed.ok) {
      const notice = parseAgentMessage(AgentNotice, data);
      if (notice.ok) this.onNotice?.(notice.value);
      return;
    }
    const message = parsed.value;
    const p = this.#pending.get(message.id);
    if (!p) return;
    if (!message.ok) {
      this.#pending.delete(message.id);
      return p.reject(new RoomcastError(message.error.code, message.error.message));
    }
    const result = agentResults[p.op].safeParse(message.data);
    if (!result.success) {
      this.#pending.delete(message.id);
      return p.reject(new RoomcastError('bad_request', `the agent answered "${p.op}" with something unexpected`));
    }
    if (p.op !== 'read' && p.op !== 'cover' && p.op !== 'transcode') {
      this.#pending.delete(message.id);
      return p.resolve(result.data);
    }
    const value = result.data as { length?: number; size?: number };
    // A transcode's length is unknown: an empty chunk ends it.
    p.header = { expected: p.op === 'read' ? value.length! : p.op === 'cover' ? value.size! : Infinity, value };
    p.onHeader?.(value);
    this.#maybeDone(message.id, p);
  }

  #ack(): void {
    this.#acked = this.#received;
    try {
      this.#send?.(JSON.stringify({ op: 'ack', received: this.#received }));
    } catch {
      // The carrier is gone: the next one starts its own count.
    }
  }

  #chunk(frame: Uint8Array | ArrayBuffer): void {
    const chunk = decodeChunk(frame);
    if (!chunk) return;
    const p = this.#pending.get(chunk.id);
    if (!p?.header) return;
    if (p.op === 'transcode' && chunk.bytes.byteLength === 0) {
      p.header.expected = p.received;
      return this.#maybeDone(chunk.id, p);
    }
    // Copy: the carrier may reuse its buffer.
    const bytes = chunk.bytes.slice();
    // Streamed bytes are handed on, not kept (a transcode can be long, and the receiver may transfer them).
    if (!p.onChunk) p.chunks.push(bytes);
    p.received += bytes.byteLength;
    this.#maybeDone(chunk.id, p);
    p.onChunk?.(bytes);
  }

  #maybeDone(id: number, p: Pending): void {
    if (!p.header || p.received < p.header.expected) return;
    this.#pending.delete(id);
    const bytes = new Uint8Array(p.chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of p.chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    p.resolve({ value: p.header.value, bytes, received: p.received });
  }

  #ask(op: Op, params: object, onChunk: ((bytes: Uint8Array) => void) | undefined, onHeader?: (header: unknown) => void): Promise<unknown> {
    const send = this.#send;
    if (!send) return Promise.reject(new RoomcastError('unavailable', 'not connected to the library'));
    if (this.#pending.size >= LIMITS.library.requestsInFlight) return Promise.reject(new RoomcastError('rate_limited', 'too many library requests at once'));
    const id = this.#nextId;
    this.#nextId = (this.#nextId % 0xffff_fff0) + 1;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { op, resolve, reject, chunks: [], received: 0, onChunk, onHeader });
      try {
        send(JSON.stringify({ id, op, ...params }));
      } catch (error) {
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
