/**
 * Joins the RTP of successive Opus producers (a broadcast's studio reloads, its worker dies, it
 * comes back with a new producer) into one continuous stream for one recorder: one SSRC, one
 * payload type, sequence numbers and timestamps that carry on from the previous producer.
 * While no packet comes (the studio is away), it sends Opus silence at the frame rate, so the
 * recording keeps the wall clock: an archive lasts as long as its broadcast and its chat and
 * like timeline stay in step with it.
 */

/** 20 ms of digital silence in one CELT fullband stereo frame (TOC 0xFC: config 31, stereo, one frame). */
export const OPUS_SILENCE = Buffer.from([0xfc, 0xff, 0xfe]);
/** Samples in one silent frame (20 ms at Opus's 48 kHz RTP clock). */
const FRAME_TICKS = 960;
const RTP_HEADER = 12;

/** Opus frame sizes in 48 kHz samples by TOC config (RFC 6716 §3.1): SILK 0–11, hybrid 12–15, CELT 16–31. */
const frameTicks = (config: number): number =>
  config < 12 ? [480, 960, 1920, 2880][config & 3]! : config < 16 ? [480, 960][config & 1]! : [120, 240, 480, 960][config & 3]!;

/**
 * How many 48 kHz samples an RTP packet's Opus payload carries, read from its TOC byte (the
 * studio's frame size is negotiated, 10 ms for low latency); null when it does not parse.
 */
export function opusPacketTicks(packet: Buffer): number | null {
  let offset = RTP_HEADER + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  if (packet.length <= offset) return null;
  const toc = packet[offset]!;
  const code = toc & 3;
  // One frame, two frames, or (code 3) a count in the next byte.
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.length > offset + 1 ? packet[offset + 1]! & 0x3f : 0;
  const ticks = frames * frameTicks(toc >> 3);
  // A packet holds at most 120 ms (RFC 6716 §3.2.5).
  return ticks > 0 && ticks <= 5760 ? ticks : null;
}

export interface StitchOptions {
  payloadType: number;
  ssrc: number;
  now: () => number;
  /**
   * How long without a packet counts as the producer being away. A studio that reloads or moves
   * is gone for seconds; a stall of the studio's tab, the worker or this process on a busy
   * machine is shorter, and its packets then arrive late but whole: filling it with silence
   * would add a gap to the archive that the broadcast never had.
   */
  gapMs?: number;
  frameMs?: number;
  /** The longest absence filled with silence; past it the recording only waits (a studio never came back). */
  maxFillMs?: number;
}

export class RtpStitcher {
  readonly #send: (packet: Buffer) => void;
  readonly #pt: number;
  readonly #ssrc: number;
  readonly #now: () => number;
  readonly #gapMs: number;
  readonly #frameMs: number;
  readonly #maxFillMs: number;
  /** Where the current producer's numbering meets ours; unset until its first packet. */
  #base: { inSeq: number; inTs: number; outSeq: number; outTs: number; maxSeqDelta: number } | undefined;
  #nextSeq = 0;
  #nextTs = 0;
  /** The wall-clock instant the frame at `#nextTs` is due. */
  #dueAt: number;
  #lastPacketAt: number;
  #lastTickAt: number;
  #sourceChanged = false;
  relayed = 0;
  silent = 0;

  constructor(send: (packet: Buffer) => void, options: StitchOptions) {
    this.#send = send;
    this.#pt = options.payloadType;
    this.#ssrc = options.ssrc >>> 0;
    this.#now = options.now;
    this.#gapMs = options.gapMs ?? 2_000;
    this.#frameMs = options.frameMs ?? 20;
    this.#maxFillMs = options.maxFillMs ?? 10 * 60_000;
    this.#dueAt = this.#lastPacketAt = this.#lastTickAt = this.#now();
  }

  /** The next packets come from another producer (its own numbering). */
  newSource(): void {
    this.#base = undefined;
    this.#sourceChanged = true;
  }

  /** One RTP packet of the current producer, renumbered into the stream. */
  push(packet: Buffer): void {
    if (packet.length < RTP_HEADER || packet[0]! >> 6 !== 2) return;
    // A new producer's first packet: the studio was away since the last one, however briefly
    // (the ticks fill only an absence longer than the gap); its silence goes first.
    if (this.#sourceChanged) {
      this.#sourceChanged = false;
      if (this.relayed > 0) this.#fillUntil(this.#now() - this.#frameMs / 2);
    }
    const seq = packet.readUInt16BE(2);
    const ts = packet.readUInt32BE(4);
    const base = (this.#base ??= { inSeq: seq, inTs: ts, outSeq: this.#nextSeq, outTs: this.#nextTs, maxSeqDelta: -1 });
    // Signed distances, so a packet reordered before the first one still lands in its place.
    const seqDelta = ((seq - base.inSeq + 0x8000) & 0xffff) - 0x8000;
    const tsDelta = (ts - base.inTs) | 0;
    const outSeq = (base.outSeq + seqDelta) & 0xffff;
    const outTs = (base.outTs + tsDelta) >>> 0;
    if (seqDelta > base.maxSeqDelta) {
      base.maxSeqDelta = seqDelta;
      this.#nextSeq = (outSeq + 1) & 0xffff;
      // The next frame starts where this packet's audio ends: a successor or silence follows on.
      this.#nextTs = (outTs + (opusPacketTicks(packet) ?? FRAME_TICKS)) >>> 0;
    }
    const out = Buffer.from(packet);
    out[1] = (packet[1]! & 0x80) | this.#pt;
    out.writeUInt16BE(outSeq, 2);
    out.writeUInt32BE(outTs, 4);
    out.writeUInt32BE(this.#ssrc, 8);
    const now = this.#now();
    this.#lastPacketAt = now;
    this.#dueAt = now + this.#frameMs;
    this.relayed++;
    this.#send(out);
  }

  /**
   * Called every frame: once no packet came for `gapMs`, silence fills the time since the last
   * one, frame by frame; the next producer's packets then follow the silence.
   */
  tick(): void {
    const now = this.#now();
    // A tick that comes late means this process was busy: packets may be waiting behind it, so
    // only an on-time tick may decide that the producer is away.
    const late = now - this.#lastTickAt > 4 * this.#frameMs;
    this.#lastTickAt = now;
    if (late || now - this.#lastPacketAt < this.#gapMs || now - this.#lastPacketAt > this.#maxFillMs) return;
    this.#base = undefined;
    this.#fillUntil(now);
  }

  /** Silent frames for every frame due up to `t` (wall clock). */
  #fillUntil(t: number): void {
    while (this.#dueAt <= t) {
      this.#send(this.silence());
      this.#dueAt += this.#frameMs;
    }
  }

  /** The next frame of the stream, silent (also what wakes a recorder that is asked to stop). */
  silence(): Buffer {
    const out = Buffer.alloc(RTP_HEADER + OPUS_SILENCE.length);
    out[0] = 0x80;
    out[1] = this.#pt;
    out.writeUInt16BE(this.#nextSeq, 2);
    out.writeUInt32BE(this.#nextTs, 4);
    out.writeUInt32BE(this.#ssrc, 8);
    OPUS_SILENCE.copy(out, RTP_HEADER);
    this.#nextSeq = (this.#nextSeq + 1) & 0xffff;
    this.#nextTs = (this.#nextTs + FRAME_TICKS) >>> 0;
    this.silent++;
    return out;
  }
}
