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
  /**
   * Resolves with room reserved for one chunk (a `sendBinary` to follow). `first`: a read's first
   * chunk goes ahead of chunks already waiting (a seek's read before the reads it replaces).
   */
  ready(first?: boolean): Promise<void>;
  /** A `ready()` that was not followed by `sendBinary` (the stream stopped): gives its room back. */
  release(): void;
  /** The listener's ack: it has received `received` binary bytes on this carrier. */
  acked(received: number): void;
  readonly closed: boolean;
  /** Bytes handed to the carrier so far (for the status page and the upload figures). */
  readonly bytesSent: number;
}

/**
 * Past this much queued in libdatachannel's send buffer a read waits; it resumes below LOW. The
 * window below usually binds first: this mark is for a listener that does not acknowledge.
 */
const HIGH = 1024 * 1024;
const LOW = 256 * 1024;
/** A chunk as sent: its bytes and the 4-byte request id. */
const CHUNK_FRAME = LIMITS.library.chunkBytes + 4;
/**
 * Binary bytes a data channel may have unacknowledged by the listener: two chunks, one arriving
 * while the next is on its way. The channel's own queues (libdatachannel's buffer, usrsctp's 1 MiB
 * send buffer, the browser's receive side) are FIFO and hold megabytes: a seek's first chunk
 * waited behind ~2 MiB of cancelled reads, 0.5–1 s at a loaded Chromium's 2–3 MB/s. Bounded here,
 * at most this much is ahead of it, and the bursts are short enough that a busy receiver's UDP
 * buffer does not overflow (a lost tail waits for SCTP's retransmission timer). The cost: at most
 * two chunks per round trip (2.6 MB/s at 50 ms: several times a hi-res FLAC); on the bench's loopback
 * it was no slower than no window at all. Never less than a chunk plus ACK_EVERY_BYTES: what a
 * listener has received and not yet acked (a short last chunk) must leave room for the next.
 */
export const DATA_CHANNEL_WINDOW = 2 * CHUNK_FRAME;
/** Room kept in the relay window for answers sent without waiting (JSON, a few hundred bytes). */
const TEXT_MARGIN = 16 * 1024;
/**
 * What the agent keeps unacknowledged on the server relay: four chunks, well inside the server's
 * window (`relayWindowBytes`, a hard limit). The same reason as the data channel's window: a
 * seek's first chunk waits behind whatever of the old reads is in flight (with the whole 1 MiB,
 * seek-to-audio p95 696 ms; with four chunks 308 ms). The cost: a Node listener's relay
 * throughput 14 → 7 MB/s on the loaded bench machine, still forty times a CD-quality FLAC.
 */
export const RELAY_WINDOW = Math.min(LIMITS.library.relayWindowBytes, 4 * CHUNK_FRAME + TEXT_MARGIN);

/**
 * Room for chunks, granted in order (a read's first chunk first): each `ready()` reserves one chunk's room until its
 * `sendBinary` (or `release`), and waiters are let through one at a time while `fits` says the
 * next reserved chunk still fits, so streams waiting together (two reads, a cover) never
 * overrun the limit.
 */
abstract class Gate {
  #reserved = 0;
  #waiters: (() => void)[] = [];

  abstract readonly closed: boolean;
  /** Room for one more chunk with `reserved` bytes already promised. */
  protected abstract fits(reserved: number): boolean;
  /** Someone waits and nothing fits now (a carrier that must look again later starts looking). */
  protected waiting(): void {}

  ready(first = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.#waiters.length === 0 && this.fits(this.#reserved)) {
      this.#reserved += CHUNK_FRAME;
      return Promise.resolve();
    }
    const wait = new Promise<void>((resolve) => (first ? this.#waiters.unshift(resolve) : this.#waiters.push(resolve)));
    this.waiting();
    return wait;
  }

  release(): void {
    this.#reserved = Math.max(0, this.#reserved - CHUNK_FRAME);
    this.wake();
  }

  /** A reserved chunk went out: its room is now counted as in flight by the carrier. */
  protected spend(): void {
    this.#reserved = Math.max(0, this.#reserved - CHUNK_FRAME);
  }

  protected get waiters(): number {
    return this.#waiters.length;
  }

  protected wake(): void {
    while (this.#waiters.length > 0 && (this.closed || this.fits(this.#reserved))) {
      if (!this.closed) this.#reserved += CHUNK_FRAME;
      this.#waiters.shift()!();
    }
  }
}

export class DataChannelCarrier extends Gate implements Carrier {
  readonly kind = 'datachannel';
  #closed = false;
  #look: NodeJS.Timeout | null = null;
  /** Binary bytes sent, and acknowledged; null until the listener's first ack turns the window on. */
  #sentBinary = 0;
  #acked: number | null = null;
  bytesSent = 0;

  constructor(
    private readonly channel: DataChannel,
    private readonly window = DATA_CHANNEL_WINDOW,
  ) {
    super();
    channel.setBufferedAmountLowThreshold(LOW);
    channel.onBufferedAmountLow(() => this.wake());
    channel.onClosed(() => {
      this.#closed = true;
      this.wake();
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
    this.spend();
    if (this.closed) return;
    this.bytesSent += bytes.byteLength;
    this.#sentBinary += bytes.byteLength;
    this.channel.sendMessageBinary(bytes);
  }

  acked(received: number): void {
    // Never past what was sent (a confused listener cannot open the window wider).
    this.#acked = Math.min(this.#sentBinary, Math.max(this.#acked ?? 0, received));
    this.wake();
  }

  /** Binary bytes sent and not yet acknowledged (0 while the listener does not ack). */
  get unacked(): number {
    return this.#acked === null ? 0 : this.#sentBinary - this.#acked;
  }

  protected fits(reserved: number): boolean {
    if (this.channel.bufferedAmount() >= HIGH) return false;
    return this.#acked === null || this.unacked + reserved + CHUNK_FRAME <= this.window;
  }

  // The low-water callback, or a look every 20 ms: libdatachannel's callback was seen to go
  // missing on a busy machine (a TURN read then waited for ever). Acks wake waiters themselves.
  protected override waiting(): void {
    this.#look ??= setInterval(() => this.wake(), 20);
  }

  protected override wake(): void {
    super.wake();
    if (this.waiters === 0 && this.#look) {
      clearInterval(this.#look);
      this.#look = null;
    }
  }
}

/**
 * The last rung: frames go to signaling over the agent's socket, which holds each until the
 * browser acknowledges it. At most RELAY_WINDOW is unacknowledged at once (the server refuses
 * more than `relayWindowBytes`), so a slow listener slows this stream, not the server's memory.
 */
export class RelayCarrier extends Gate implements Carrier {
  readonly kind = 'relay';
  #inFlight = 0;
  #closed = false;
  bytesSent = 0;

  constructor(
    private readonly emit: (data: string | Uint8Array) => Promise<boolean>,
    /** A frame was refused or lost: the stream has a hole, so the session must end (the listener reopens). */
    private readonly onBroken: () => void = () => {},
  ) {
    super();
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    this.wake();
  }

  sendText(text: string): void {
    this.#send(text, text.length);
  }

  sendBinary(bytes: Uint8Array): void {
    this.spend();
    this.#send(bytes, bytes.byteLength);
  }

  /** The server's own window does the flow control here (the browser acknowledges each frame to it). */
  acked(): void {}

  /** Room for one more full chunk inside the window, and for a JSON answer besides. */
  protected fits(reserved: number): boolean {
    return this.#inFlight + reserved + CHUNK_FRAME + TEXT_MARGIN <= RELAY_WINDOW;
  }

  #send(data: string | Uint8Array, size: number): void {
    if (this.#closed) return;
    this.#inFlight += size;
    this.bytesSent += size;
    void this.emit(data).then(
      (ok) => {
        this.#inFlight -= size;
        if (!ok) this.#broken();
        this.wake();
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
}
