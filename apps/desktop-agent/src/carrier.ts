import type { DataChannel } from 'node-datachannel';
import { LIMITS } from '@roomcast/shared';

/**
 * What carries the agent protocol to one listener: a WebRTC data channel (direct or through
 * TURN) or the server relay. `ready()` is the back-pressure: it resolves once the carrier's
 * queue is low enough to take another chunk.
 */
export interface Carrier {
  readonly kind: 'datachannel' | 'relay';
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  ready(): Promise<void>;
  /** A `ready()` that was not followed by `sendBinary` (the stream stopped): gives its room back. */
  release(): void;
  readonly closed: boolean;
  /** Bytes handed to the carrier so far (for the status page and the upload figures). */
  readonly bytesSent: number;
}

/** Past this much queued in the SCTP send buffer, a read waits; it resumes below LOW. */
const HIGH = 1024 * 1024;
/** Room kept in the relay window for answers sent without waiting (JSON, a few hundred bytes). */
const TEXT_MARGIN = 16 * 1024;
const LOW = 256 * 1024;
/** A chunk as sent: its bytes and the 4-byte request id. */
const CHUNK_FRAME = LIMITS.library.chunkBytes + 4;

export class DataChannelCarrier implements Carrier {
  readonly kind = 'datachannel';
  #closed = false;
  #waiters: (() => void)[] = [];
  #look: NodeJS.Timeout | null = null;
  bytesSent = 0;

  constructor(private readonly channel: DataChannel) {
    channel.setBufferedAmountLowThreshold(LOW);
    channel.onBufferedAmountLow(() => this.#wake());
    channel.onClosed(() => {
      this.#closed = true;
      this.#wake();
    });
  }

  get closed(): boolean {
    return this.#closed || !this.channel.isOpen();
  }

  sendText(text: string): void {
    if (this.closed) return;
    this.bytesSent += text.length;
    this.channel.sendMessage(text);
  }

  sendBinary(bytes: Uint8Array): void {
    if (this.closed) return;
    this.bytesSent += bytes.byteLength;
    this.channel.sendMessageBinary(bytes);
  }

  ready(): Promise<void> {
    if (this.closed || this.channel.bufferedAmount() < HIGH) return Promise.resolve();
    // The low-water callback, or a look every 20 ms: libdatachannel's callback was seen to go
    // missing on a busy machine (a TURN read then waited for ever).
    this.#look ??= setInterval(() => {
      if (this.closed || this.channel.bufferedAmount() < LOW) this.#wake();
    }, 20);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** HIGH is a soft mark (a few chunks over it are harmless): nothing is reserved. */
  release(): void {}

  #wake(): void {
    if (this.#look) clearInterval(this.#look);
    this.#look = null;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/**
 * The last rung: frames go to signaling over the agent's socket, which holds each until the
 * browser acknowledges it. At most `relayWindowBytes` are unacknowledged at once (the server
 * refuses more), so a slow listener slows this stream, not the server's memory.
 */
export class RelayCarrier implements Carrier {
  readonly kind = 'relay';
  #inFlight = 0;
  /** Room promised by `ready()` to chunks not sent yet. */
  #reserved = 0;
  #closed = false;
  #waiters: (() => void)[] = [];
  bytesSent = 0;

  constructor(
    private readonly emit: (data: string | Uint8Array) => Promise<boolean>,
    /** A frame was refused or lost: the stream has a hole, so the session must end (the listener reopens). */
    private readonly onBroken: () => void = () => {},
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    this.#wake();
  }

  sendText(text: string): void {
    this.#send(text, text.length);
  }

  sendBinary(bytes: Uint8Array): void {
    this.#reserved = Math.max(0, this.#reserved - CHUNK_FRAME);
    this.#send(bytes, bytes.byteLength);
  }

  /**
   * Resolves with room reserved for one chunk. The window is a hard limit (the server refuses a
   * frame past it, and the session ends), and several streams wait at once — two reads in
   * flight, a cover — so each is let through only with its own room, one at a time.
   */
  ready(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#waiters.length === 0 && this.#fits()) {
      this.#reserved += CHUNK_FRAME;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    this.#reserved = Math.max(0, this.#reserved - CHUNK_FRAME);
    this.#wake();
  }

  /** Room for one more full chunk inside the server's window, and for a JSON answer besides. */
  #fits(): boolean {
    return this.#inFlight + this.#reserved + CHUNK_FRAME + TEXT_MARGIN <= LIMITS.library.relayWindowBytes;
  }

  #send(data: string | Uint8Array, size: number): void {
    if (this.#closed) return;
    this.#inFlight += size;
    this.bytesSent += size;
    void this.emit(data).then(
      (ok) => {
        this.#inFlight -= size;
        if (!ok) this.#broken();
        this.#wake();
      },
      () => {
        this.#inFlight -= size;
        this.#broken();
      },
    );
  }

  #broken(): void {
    if (this.#closed) return;
    this.close();
    this.onBroken();
  }

  #wake(): void {
    while (this.#waiters.length > 0 && (this.#closed || this.#fits())) {
      if (!this.#closed) this.#reserved += CHUNK_FRAME;
      this.#waiters.shift()!();
    }
  }
}
