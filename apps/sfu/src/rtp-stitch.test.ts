import { describe, expect, it } from 'vitest';
import { OPUS_SILENCE, opusPacketTicks, RtpStitcher } from './rtp-stitch.js';

/** An RTP packet whose Opus payload is one 20 ms CELT frame (TOC 0xFC), or `payload`. */
function rtp(seq: number, ts: number, ssrc = 1234, pt = 111, payload = Buffer.from([0xfc, 0x6f, 0x70, 0x75])): Buffer {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = 0x80 | pt;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(ts >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  payload.copy(packet, 12);
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
    expect(sent[0]!.subarray(13).toString()).toBe('opu');
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

  it("a new producer follows the last packet's own duration: 10 ms frames leave no gap", () => {
    const { s, sent, advance } = stitcher();
    const tenMs = Buffer.from([0xf4, 0, 0]); // CELT fullband 10 ms (config 30), one frame
    s.push(rtp(10, 5000, 1234, 111, tenMs));
    advance(10);
    s.push(rtp(11, 5480, 1234, 111, tenMs));
    s.newSource();
    s.push(rtp(900, 123456, 999, 111, tenMs));
    expect(sent.map(fields).map(({ seq, ts }) => [seq, ts])).toEqual([
      [0, 0],
      [1, 480],
      [2, 960],
    ]);
  });

  it('reads an Opus packet\'s duration from its TOC, past CSRCs and header extensions', () => {
    const withHeader = (first: number, extra: number[], payload: number[]) => Buffer.from([first, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, ...extra, ...payload]);
    expect(opusPacketTicks(withHeader(0x80, [], [0xfc]))).toBe(960); // CELT 20 ms
    expect(opusPacketTicks(withHeader(0x80, [], [0xf4]))).toBe(480); // CELT 10 ms
    expect(opusPacketTicks(withHeader(0x80, [], [0x10]))).toBe(1920); // SILK 40 ms, one frame
    expect(opusPacketTicks(withHeader(0x80, [], [0xfd]))).toBe(1920); // two 20 ms frames
    expect(opusPacketTicks(withHeader(0x80, [], [0xff, 0x03]))).toBe(2880); // code 3: three frames
    expect(opusPacketTicks(withHeader(0x81, [0, 0, 0, 7], [0xf4]))).toBe(480); // one CSRC
    expect(opusPacketTicks(withHeader(0x90, [0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0], [0xf4]))).toBe(480); // a one-word extension
    expect(opusPacketTicks(withHeader(0x80, [], []))).toBeNull(); // no payload
    expect(opusPacketTicks(withHeader(0x80, [], [0xff, 0x3f]))).toBeNull(); // 63 × 20 ms: over 120 ms
  });

  it('ignores what is not RTP', () => {
    const { s, sent } = stitcher();
    s.push(Buffer.from([1, 2, 3]));
    s.push(Buffer.alloc(20));
    expect(sent).toEqual([]);
  });
});
