import { AgentRequest, encodeChunk, type AgentNotice, LIMITS, parseAgentMessage, RoomcastError, type ErrorBody, type ParsedAgentRequest } from '@roomcast/shared';
import { BlockReader } from './block-reader.js';
import type { Carrier } from './carrier.js';
import type { Catalog } from './catalog.js';
import type { FairLimiter } from './fair-limiter.js';
import { OPUS_MIME, startTranscode } from './transcode.js';

/** ffmpeg processes the whole agent runs at once (data saver), shared by every listener. */
export class TranscodeSlots {
  #used = 0;
  constructor(readonly max = LIMITS.library.transcodesPerAgent) {}
  take(): boolean {
    if (this.#used >= this.max) return false;
    this.#used++;
    return true;
  }
  give(): void {
    this.#used = Math.max(0, this.#used - 1);
  }
}

const L = LIMITS.library;

/**
 * Answers one listener's requests on one carrier: browse and search from the index, covers, and
 * byte-range reads streamed in chunks — each chunk waits for the carrier's queue (back-pressure)
 * and for its turn under the shared upload cap. A cancelled or superseded read stops between
 * chunks. Nothing a listener sends can name a path: tracks are ids in the index.
 */
export class PeerServer {
  readonly #inFlight = new Set<number>();
  readonly #cancelled = new Set<number>();
  /** Running transcodes' stops, so closing the server ends their ffmpeg processes. */
  readonly #transcodes = new Set<() => void>();
  #closed = false;
  /** Bytes of file data sent (for the status page and tests). */
  bytesRead = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly carrier: Carrier,
    private readonly limiter: FairLimiter,
    /** The limiter's key: one per listener, so the cap is shared fairly between people. */
    private readonly key: string,
    private readonly slots: TranscodeSlots = new TranscodeSlots(),
  ) {}

  /** Closed, or its carrier is. */
  get closed(): boolean {
    return this.#closed || this.carrier.closed;
  }

  close(): void {
    this.#closed = true;
    for (const stop of this.#transcodes) stop();
    this.limiter.forget(this.key);
  }

  /** Tells the listener something unasked (the index changed). */
  notify(notice: AgentNotice): void {
    if (!this.#closed) this.carrier.sendText(JSON.stringify(notice));
  }

  /** Every text message of the carrier comes here; binary messages from a listener are ignored. */
  receive(data: string | Uint8Array | ArrayBuffer): void {
    if (typeof data !== 'string' || this.#closed) return;
    const parsed = parseAgentMessage(AgentRequest, data);
    if (!parsed.ok) {
      if (parsed.id !== null) this.#fail(parsed.id, parsed.error);
      return;
    }
    const request = parsed.value;
    if (request.op === 'ack') return this.carrier.acked(request.received);
    if (request.op === 'cancel') {
      // Its slot is free at once: a cancelled read may wait on back-pressure before it sees the
      // cancel, and a player seeking quickly (two reads cancelled, two asked, per seek) would
      // otherwise be refused with rate_limited.
      if (this.#inFlight.delete(request.target)) this.#cancelled.add(request.target);
      return this.#answer(request.id, {});
    }
    if (this.#inFlight.size >= L.requestsInFlight) {
      return this.#fail(request.id, { code: 'rate_limited', message: `at most ${L.requestsInFlight} requests at once` });
    }
    this.#inFlight.add(request.id);
    this.#handle(request)
      .catch((error: unknown) => {
        const body: ErrorBody = error instanceof RoomcastError ? error.toBody() : { code: 'internal', message: 'the agent could not answer' };
        this.#fail(request.id, body);
      })
      .finally(() => {
        this.#inFlight.delete(request.id);
        this.#cancelled.delete(request.id);
      });
  }

  async #handle(r: ParsedAgentRequest): Promise<void> {
    const c = this.catalog;
    switch (r.op) {
      case 'artists':
        return this.#answer(r.id, c.artists(r));
      case 'albums':
        return this.#answer(r.id, c.albums(r));
      case 'tracks':
        return this.#answer(r.id, c.tracks(r));
      case 'folder':
        return this.#answer(r.id, c.folder(r.root, r.path));
      case 'search':
        return this.#answer(r.id, c.search(r.q, r));
      case 'cover': {
        const cover = await c.cover(r.trackId);
        this.#answer(r.id, { mime: cover.mime, size: cover.bytes.byteLength });
        return this.#stream(r.id, async (at, n) => encodeChunk(r.id, cover.bytes.subarray(at, at + n)), cover.bytes.byteLength);
      }
      case 'read':
        return this.#read(r);
      case 'transcode':
        return this.#transcode(r);
      case 'cancel':
      case 'ack':
        return;
    }
  }

  async #read(r: Extract<ParsedAgentRequest, { op: 'read' }>): Promise<void> {
    const file = await this.catalog.openTrack(r.trackId);
    try {
      if (r.start > file.size) throw new RoomcastError('bad_request', `start ${r.start} is past the end of the file (${file.size} bytes)`);
      const end = Math.min(file.size, r.end ?? r.start + L.readBytes, r.start + L.readBytes);
      if (end < r.start) throw new RoomcastError('bad_request', 'end is before start');
      const length = end - r.start;
      this.#answer(r.id, { start: r.start, length, size: file.size, mime: file.mime });
      const blocks = new BlockReader(file.handle, r.id, r.start, length);
      try {
        await this.#stream(
          r.id,
          async (_at, n) => {
            const frame = await blocks.next();
            if (frame.byteLength !== 4 + n) throw new RoomcastError('internal', 'a read lost its place');
            this.bytesRead += n;
            return frame;
          },
          length,
        );
      } finally {
        // A cancelled read may leave a block read in flight: it settles before the handle closes.
        await blocks.settle();
      }
    } finally {
      await file.handle.close();
    }
  }

  async #transcode(r: Extract<ParsedAgentRequest, { op: 'transcode' }>): Promise<void> {
    if (this.#transcodes.size >= L.transcodesPerListener) throw new RoomcastError('rate_limited', `at most ${L.transcodesPerListener} data-saver streams at once; cancel one first`);
    const { file, durationMs } = await this.catalog.localFile(r.trackId);
    if (r.startMs > durationMs) throw new RoomcastError('bad_request', `startMs ${r.startMs} is past the end of the track (${durationMs} ms)`);
    if (!this.slots.take()) throw new RoomcastError('rate_limited', 'this computer is transcoding for others; try again, or turn data saver off');
    const job = startTranscode(file, r);
    this.#transcodes.add(job.stop);
    try {
      this.#answer(r.id, { mime: OPUS_MIME, kbps: r.kbps, startMs: r.startMs, durationMs });
      const stopped = () => this.#closed || this.carrier.closed || this.#cancelled.has(r.id);
      // Pulling the next piece only once this one is sent: a slow listener slows ffmpeg through its pipe.
      for await (const data of job.output as AsyncIterable<Buffer>) {
        for (let at = 0; at < data.byteLength; ) {
          const n = Math.min(L.chunkBytes, data.byteLength - at);
          if (!(await this.#room(n, stopped))) return;
          this.carrier.sendBinary(encodeChunk(r.id, data.subarray(at, at + n)));
          this.bytesRead += n;
          at += n;
        }
      }
      await job.finished;
      // The end, an empty chunk: through the carrier's gate like any chunk (it holds a reservation).
      if (await this.#room(0, stopped)) this.carrier.sendBinary(encodeChunk(r.id, new Uint8Array(0)));
    } finally {
      job.stop();
      this.#transcodes.delete(job.stop);
      this.slots.give();
    }
  }

  /** Sends `length` bytes in chunks (`frame` makes each, id header included), each after back-pressure and the upload cap allow it. */
  async #stream(id: number, frame: (at: number, n: number) => Promise<Uint8Array>, length: number): Promise<void> {
    const stopped = () => this.#closed || this.carrier.closed || this.#cancelled.has(id);
    for (let at = 0; at < length; ) {
      const n = Math.min(L.chunkBytes, length - at);
      if (!(await this.#room(n, stopped, at === 0))) return;
      let made: Uint8Array;
      try {
        made = await frame(at, n);
      } catch (error) {
        this.carrier.release();
        throw error;
      }
      this.carrier.sendBinary(made);
      at += n;
    }
  }

  /**
   * Waits for the carrier's room and the upload cap for `n` bytes; false (room given back) when
   * the stream stopped meanwhile. A read's `first` chunk is let through ahead of others waiting.
   */
  async #room(n: number, stopped: () => boolean, first = false): Promise<boolean> {
    await this.limiter.take(this.key, n);
    if (stopped()) return false;
    await this.carrier.ready(first);
    if (!stopped()) return true;
    this.carrier.release();
    return false;
  }

  #answer(id: number, data: unknown): void {
    this.carrier.sendText(JSON.stringify({ id, ok: true, data }));
  }

  #fail(id: number, error: ErrorBody): void {
    this.carrier.sendText(JSON.stringify({ id, ok: false, error }));
  }
}
