import { describe, expect, it } from 'vitest';
import { RoomcastError } from './errors.js';
import { encodeChunk } from './library.js';
import { LibraryClient } from './library-client.js';
import { RangeStream } from './library-range.js';
import { LIMITS } from './limits.js';

const READ = LIMITS.library.readBytes;
const CHUNK = LIMITS.library.chunkBytes;
const SIZE = 2 * READ + 5 * CHUNK + 17;
const file = new Uint8Array(SIZE).map((_, i) => (i * 31 + (i >> 9)) & 0xff);

/** A scripted agent: it answers each read only when the test says, chunk by chunk. */
function fakeAgent() {
  const asked: { id: number; start: number; end: number; sent: number }[] = [];
  const answer = (text: string) => {
    const r = JSON.parse(text) as { id: number; op: string; start: number; end?: number; target?: number };
    if (r.op !== 'read') return;
    const end = Math.min(SIZE, r.end ?? r.start + READ, r.start + READ);
    asked.push({ id: r.id, start: r.start, end, sent: 0 });
    client.receive(JSON.stringify({ id: r.id, ok: true, data: { start: r.start, length: end - r.start, size: SIZE, mime: 'audio/wav' } }));
  };
  const client = new LibraryClient(answer);
  /** Sends the next chunk of the `i`th read asked; false when it has sent all. */
  const send = (i: number) => {
    const a = asked[i]!;
    if (a.start + a.sent >= a.end) return false;
    const n = Math.min(CHUNK, a.end - a.start - a.sent);
    client.receive(encodeChunk(a.id, file.subarray(a.start + a.sent, a.start + a.sent + n)));
    a.sent += n;
    return true;
  };
  return { client, asked, send, answer };
}

function collect() {
  const parts: Uint8Array[] = [];
  const heads: unknown[] = [];
  return {
    sink: { header: (h: unknown) => heads.push(h), chunk: (b: Uint8Array) => parts.push(b) },
    heads,
    bytes: () => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) (out.set(p, at), (at += p.byteLength));
      return out;
    },
  };
}

describe('RangeStream', () => {
  it('keeps two reads in flight and delivers in order though their chunks interleave', async () => {
    const agent = fakeAgent();
    const out = collect();
    const stream = new RangeStream(agent.client, 't', 100, Infinity, out.sink);
    expect(out.heads).toEqual([{ start: 100, length: SIZE - 100, size: SIZE, mime: 'audio/wav' }]);
    expect(agent.asked.map((a) => a.start)).toEqual([100, 100 + READ]);
    // The later read's chunks come first; each read then ends, and the next is asked.
    for (let round = 0; agent.asked.some((_, i) => agent.asked[i]!.sent < agent.asked[i]!.end - agent.asked[i]!.start); round++) {
      for (let i = agent.asked.length - 1; i >= 0; i--) agent.send(i);
      await Promise.resolve();
      await Promise.resolve();
      expect(agent.asked.length - agent.asked.filter((a) => a.start + a.sent >= a.end).length).toBeLessThanOrEqual(2);
    }
    await stream.done;
    expect(agent.asked.map((a) => a.start)).toEqual([100, 100 + READ, 100 + 2 * READ]);
    // Compared as one value: an element-wise toEqual of 8 MB takes minutes.
    expect(Buffer.from(out.bytes()).equals(file.subarray(100))).toBe(true);
  });

  it('a lost carrier: after reconnecting it asks again from the first byte not delivered', async () => {
    const agent = fakeAgent();
    const out = collect();
    let reconnects = 0;
    const stream = new RangeStream(agent.client, 't', 0, 3 * CHUNK + 5, out.sink, { reconnect: async () => {
        reconnects++;
        agent.client.attach(agent.answer);
      },
    });
    agent.send(0);
    agent.send(0);
    agent.client.detach('the direct link dropped');
    await new Promise((r) => setTimeout(r, 0));
    expect(reconnects).toBe(1);
    expect(agent.asked.at(-1)!.start).toBe(2 * CHUNK);
    while (agent.send(agent.asked.length - 1));
    await stream.done;
    expect(Buffer.from(out.bytes()).equals(file.subarray(0, 3 * CHUNK + 5))).toBe(true);
  });

  it('gives up when reconnecting fails, and a cancel stops the reads at the agent', async () => {
    const agent = fakeAgent();
    const stream = new RangeStream(agent.client, 't', 0, Infinity, collect().sink, {
      reconnect: () => Promise.reject(new RoomcastError('unavailable', 'your computer did not come back')),
    });
    agent.client.detach('gone');
    await expect(stream.done).rejects.toThrow('did not come back');

    const other = fakeAgent();
    const sent: string[] = [];
    const cancelled = new RangeStream(other.client, 't', 0, Infinity, collect().sink);
    other.client.attach((t) => sent.push(t));
    cancelled.cancel();
    expect(sent.map((t) => JSON.parse(t) as { op: string; target: number }).map((m) => [m.op, m.target])).toEqual(other.asked.map((a) => ['cancel', a.id]));
    expect(other.client.pending).toBe(0);
  });
});
