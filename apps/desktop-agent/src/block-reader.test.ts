import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeChunk, LIMITS } from '@roomcast/shared';
import { BlockReader } from './block-reader.js';

const CHUNK = LIMITS.library.chunkBytes;
let dir: string;
let file: string;
const data = Buffer.alloc(40 * CHUNK + 123);
for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'block-reader-'));
  file = path.join(dir, 'data.bin');
  await writeFile(file, data);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('BlockReader', () => {
  it('frames a range in order, each chunk behind its id, across block boundaries', async () => {
    const handle = await open(file, 'r');
    try {
      const start = 1000;
      const length = data.length - start - 7;
      const reader = new BlockReader(handle, 0xdeadbeef, start, length);
      const parts: Buffer[] = [];
      for (let got = 0; got < length; ) {
        const chunk = decodeChunk(await reader.next())!;
        expect(chunk.id).toBe(0xdeadbeef);
        expect(chunk.bytes.byteLength).toBe(Math.min(CHUNK, length - got));
        parts.push(Buffer.from(chunk.bytes));
        got += chunk.bytes.byteLength;
      }
      expect(Buffer.concat(parts).equals(data.subarray(start, start + length))).toBe(true);
      await expect(reader.next()).rejects.toThrow('read past the range');
    } finally {
      await handle.close();
    }
  });

  it('a file cut short is a conflict; a reader stopped early settles before the handle closes', async () => {
    const handle = await open(file, 'r');
    try {
      await expect(new BlockReader(handle, 1, data.length - 10, 20).next()).rejects.toThrow('the file changed');
      const early = new BlockReader(handle, 2, 0, data.length);
      await early.next();
      await early.settle();
    } finally {
      await handle.close();
    }
  });
});
