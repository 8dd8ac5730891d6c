import { describe, expect, it } from 'vitest';
import { OPUS_SILENCE, RtpStitcher } from './rtp-stitch.js';

function rtp(seq: number, ts: number, ssrc = 1234, pt = 111): Buffer {
  const packet = Buffer.alloc(16);
  packet[0] = 0x80;
  packet[1] = 0x80 | pt;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(ts >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.write('opus', 12);
  return packet;
}
const fields = (p: Buffer) => ({ pt: p[1]! & 0x7f, marker: p[1]! >> 7, seq: p.readUInt16BE(2), ts: p.readUInt32BE(4), ssrc: p.readUInt32BE(8) });

function stitcher() {
  let now = 1000;
  const sent: Buffer[] = [];
  const s = new RtpStitcher((p) => sent.push(p), { payloadType: 100, ssrc: 42, now: () => now, gapMs: 500 });
  return { s, sent, advance: (ms: number) => (now += ms) };
}

describe('RtpStitcher', () => {
  it("renumbers a producer's packets into one stream, keeping payload, marker and order (reordered ones too)", () => {
    const { s, sent } = stitcher();
    s.push(rtp(65535, 4294966336));
    s.push(rtp(1, 960 + 960)); // one lost across the wrap
    s.push(rtp(0, 960)); // late
    expect(sent.map(fields)).toEqual([
      { pt: 100, marker: 1, seq: 0, ts: 0, ssrc: 42 },
      { pt: 100, marker: 1, seq: 2, ts: 1920 + 960, ssrc: 42 },
      { pt: 100, marker: 1, seq: 1, ts: 1920, ssrc: 42 },
    ]);
    expect(sent[0]!.subarray(12).toString()).toBe('opus');
  });

  it('a new producer carries on where the last one stopped, whatever its own numbering', () => {
    const { s, sent, advance } = stitcher();
    s.push(rtp(10, 5000));
    advance(20);
    s.push(rtp(11, 5960));
    s.newSource();
    advance(20);
    s.push(rtp(900, 123456, 999));
    expect(sent.map(fields).map(({ seq, ts }) => [seq, ts])).toEqual([
      [0, 0],
      [1, 960],
      [2, 1920],
    ]);
  });

  it('a jitter stall shorter than the gap adds nothing', () => {
    const { s, sent, advance } = stitcher();
    s.push(rtp(1, 0));
    for (let t = 0; t < 400; t += 20) (advance(20), s.tick());
    expect(sent).toHaveLength(1);
  });

  it('a late tick (this process was busy) fills nothing: the packets queued behind it come first', () => {
    const { s, sent, advance } = stitcher();
    s.push(rtp(1, 0));
    advance(20);
    s.tick();
    // The event loop stalls for 900 ms; the tick runs before the packets that waited.
    advance(900);
    s.tick();
    s.push(rtp(2, 960));
    advance(20);
    s.tick();
    expect(sent.map(fields).map(({ seq, ts }) => [seq, ts])).toEqual([
      [0, 0],
      [1, 960],
    ]);
  });

  it('fills an absence with silent frames at the frame rate, so the stream keeps the wall clock', () => {
    const { s, sent, advance } = stitcher();
    s.push(rtp(1, 0));
    // The studio is away for 3 s, ticked every 20 ms.
    for (let t = 0; t < 3000; t += 20) (advance(20), s.tick());
    const silent = sent.slice(1);
    expect(silent.length).toBeGreaterThanOrEqual(149);
    expect(silent.length).toBeLessThanOrEqual(150);
    expect(silent.every((p) => p.subarray(12).equals(OPUS_SILENCE))).toBe(true);
    // Each silent frame follows the last, 20 ms of the 48 kHz clock apart.
    expect(silent.map(fields).map((f) => f.ts)).toEqual(silent.map((_, i) => 960 * (i + 1)));
    // The producer (or its successor) comes back: it follows the silence.
    s.push(rtp(2, 960));
    expect(fields(sent.at(-1)!)).toMatchObject({ seq: silent.length + 1, ts: 960 * (silent.length + 1) });
    expect([s.relayed, s.silent]).toEqual([2, silent.length]);
  });

  it('a new producer after an absence shorter than the gap is preceded by that absence in silence', () => {
    const { s, sent, advance } = stitcher();
    s.push(rtp(1, 0));
    for (let t = 0; t < 300; t += 20) (advance(20), s.tick());
    s.newSource();
    s.push(rtp(500, 77777, 999));
    // 300 ms away: the 14 frames after the last one, then the new producer's first.
    expect(sent.slice(1, -1).every((p) => p.subarray(12).equals(OPUS_SILENCE))).toBe(true);
    expect(sent.map(fields).map(({ seq, ts }) => [seq, ts])).toEqual(Array.from({ length: 16 }, (_, i) => [i, 960 * i]));
  });

  it('ignores what is not RTP', () => {
    const { s, sent } = stitcher();
    s.push(Buffer.from([1, 2, 3]));
    s.push(Buffer.alloc(20));
    expect(sent).toEqual([]);
  });
});
