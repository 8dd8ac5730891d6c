import type { LibraryClient, ResultOf } from './library-client.js';
import { LIMITS } from './limits.js';

export interface RangeSink {
  /** Once, before any bytes: where the range starts, how long it is (clamped to the file), the file's size and type. */
  header(h: { start: number; length: number; size: number; mime: string }): void;
  /** The range's bytes, in order, as they arrive. */
  chunk(bytes: Uint8Array): void;
}

export interface RangeStreamOptions {
  /** Reads in flight at once: the next one is asked before this one ends, so the channel never idles for a round trip. */
  ahead?: number;
  /** The carrier went (a rung change, an agent restart): resolves when requests can flow again, rejects to give up. */
  reconnect?: (error: unknown) => Promise<void>;
  /** Reconnects tried before the stream fails. */
  attempts?: number;
  /**
   * With it, the consumer paces the stream: after each read ends no new one starts until it
   * calls `more()` (a Service Worker does when the element pulls). Without it, the stream keeps
   * `ahead` reads in flight by itself.
   */
  onReadDone?: () => void;
}

interface Read {
  id: number;
  start: number;
  end: number;
  /** Bytes that came before this read became the head (held to keep the order). */
  held: Uint8Array[];
  done: boolean;
}

/**
 * Bytes [start, end) of a track (end may be Infinity: to the end of the file) streamed to a sink
 * in order, as a player reads: `readBytes` ranges, `ahead` of them in flight, the later ones'
 * chunks held until the earlier ones finish. `more()` tops the reads in flight up (the consumer
 * wants data; it stops calling when its buffer is full, which bounds what is held). A lost
 * carrier is survived: after `reconnect` the stream asks again from the first byte it has not
 * delivered, so the sink sees no gap and no repeat.
 */
export class RangeStream {
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  #reads: Read[] = [];
  /** Next byte to ask for; next byte the sink gets. */
  #next: number;
  #delivered: number;
  #end: number;
  #headed = false;
  #failures = 0;
  #stopped = false;
  #reconnecting = false;
  /** The consumer wants more reads started (always, unless it paces the stream). */
  #wanted = true;
  readonly #ahead: number;

  constructor(
    private readonly client: LibraryClient,
    private readonly trackId: string,
    start: number,
    end: number,
    private readonly sink: RangeSink,
    private readonly options: RangeStreamOptions = {},
  ) {
    this.#next = this.#delivered = start;
    this.#end = end;
    this.#ahead = Math.max(1, options.ahead ?? 2);
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => undefined);
    this.#issue();
  }

  /** The consumer wants more: keeps `ahead` reads in flight (until the range is all asked). */
  more(): void {
    this.#wanted = true;
    this.#topUp();
  }

  #topUp(): void {
    if (this.#stopped || this.#reconnecting || !this.#headed || !this.#wanted) return;
    while (this.#reads.length < this.#ahead && this.#next < this.#end) this.#issue();
  }

  /** Stops: reads in flight are cancelled at the agent, and `done` never settles. */
  cancel(): void {
    this.#stopped = true;
    for (const r of this.#reads.splice(0)) this.client.cancel(r.id);
  }

  #issue(): void {
    const start = this.#next;
    const end = Math.min(this.#end, start + LIMITS.library.readBytes);
    const read: Read = { id: this.client.nextRequestId, start, end, held: [], done: false };
    this.#next = end;
    this.#reads.push(read);
    const head = () => this.#reads[0] === read;
    this.client
      .read(
        this.trackId,
        start,
        Number.isFinite(end) ? end : undefined,
        (bytes) => {
          if (this.#stopped || !this.#reads.includes(read)) return;
          if (head()) this.#deliver(bytes);
          else read.held.push(bytes);
        },
        (h) => this.#header(read, h),
      )
      .then(
        () => {
          if (this.#stopped || !this.#reads.includes(read)) return;
          read.done = true;
          this.#advance();
        },
        (error: unknown) => {
          if (this.#stopped || !this.#reads.includes(read)) return;
          void this.#recover(error);
        },
      );
  }

  #header(read: Read, h: ResultOf<'read'>): void {
    if (this.#stopped) return;
    // The file's end is known now: nothing is asked past it.
    read.end = h.start + h.length;
    if (h.size < this.#end) this.#end = h.size;
    if (this.#next > this.#end) this.#next = this.#end;
    if (!this.#headed) {
      this.#headed = true;
      this.sink.header({ start: h.start, length: this.#end - h.start, size: h.size, mime: h.mime });
    }
    this.#topUp();
  }

  #deliver(bytes: Uint8Array): void {
    this.#delivered += bytes.byteLength;
    this.sink.chunk(bytes);
  }

  #advance(): void {
    while (this.#reads[0]?.done) {
      this.#reads.shift();
      if (this.options.onReadDone) {
        this.#wanted = false;
        this.options.onReadDone();
      }
      const head = this.#reads[0];
      if (head) for (const bytes of head.held.splice(0)) this.#deliver(bytes);
    }
    if (this.#reads.length === 0 && this.#next >= this.#end) {
      this.#stopped = true;
      this.#resolve();
    } else this.#topUp();
  }

  async #recover(error: unknown): Promise<void> {
    // Everything in flight is dropped and asked again from the first byte not delivered.
    for (const r of this.#reads.splice(0)) this.client.cancel(r.id);
    if (!this.options.reconnect || ++this.#failures > (this.options.attempts ?? 2)) return this.#fail(error);
    this.#reconnecting = true;
    try {
      await this.options.reconnect(error);
    } catch (final) {
      return this.#fail(final);
    } finally {
      this.#reconnecting = false;
    }
    if (this.#stopped) return;
    this.#next = this.#delivered;
    if (this.#next >= this.#end) return this.#advance();
    this.#issue();
  }

  #fail(error: unknown): void {
    this.#stopped = true;
    this.#reject(error);
  }
}
