import type { FileHandle } from 'node:fs/promises';
import { LIMITS, RoomcastError } from '@roomcast/shared';

const L = LIMITS.library;

/** Chunks one disk read fills after the first (1 MiB): one thread-pool trip per block, not per chunk. */
const BLOCK_CHUNKS = 16;

/**
 * A read's frames (4-byte id, then the bytes), read from disk a block at a time with readv
 * straight into the frames, the next block read while this one is sent. Per-chunk reads cost a
 * thread-pool round trip each, and on a busy machine each trip waits for a time slice: they
 * held the direct rung at about half of a bare data channel. The first block is one chunk, so
 * a seek's first bytes wait for 64 KiB from disk, not 1 MiB.
 */
export class BlockReader {
  #at = 0;
  #ready: Buffer[] = [];
  #pending: Promise<Buffer[]> | null = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly id: number,
    private readonly start: number,
    private readonly length: number,
  ) {
    this.#pending = this.#block(1);
  }

  /** The next frame, in order; the caller asks for exactly as many as the range holds. */
  async next(): Promise<Buffer> {
    while (this.#ready.length === 0) {
      if (!this.#pending) throw new RoomcastError('internal', 'read past the range');
      this.#ready = await this.#pending;
      this.#pending = this.#at < this.length ? this.#block(BLOCK_CHUNKS) : null;
    }
    return this.#ready.shift()!;
  }

  /** Waits for a block read still in flight (its error no longer matters). */
  async settle(): Promise<void> {
    await this.#pending?.catch(() => undefined);
  }

  #block(chunks: number): Promise<Buffer[]> {
    const from = this.#at;
    const n = Math.min(chunks * L.chunkBytes, this.length - from);
    this.#at += n;
    const frames: Buffer[] = [];
    for (let o = 0; o < n; o += L.chunkBytes) {
      const frame = Buffer.allocUnsafe(4 + Math.min(L.chunkBytes, n - o));
      frame.writeUInt32BE(this.id >>> 0, 0);
      frames.push(frame);
    }
    const read = this.handle.readv(
      frames.map((f) => f.subarray(4)),
      this.start + from,
    );
    const blockRead = read.then(({ bytesRead }) => {
      if (bytesRead !== n) throw new RoomcastError('conflict', 'the file changed while it was read');
      return frames;
    });
    // Read ahead: nobody may await it (a cancelled read); its failure is seen by next() or dropped.
    blockRead.catch(() => undefined);
    return blockRead;
  }
}
