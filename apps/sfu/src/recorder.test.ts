// A recording through the real worker: ffmpeg sends a tone as Opus RTP into a PlainTransport
// producer (the studio), the Recording writes it to Ogg/Opus, and ffprobe and sox read it back.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opusSdp } from './recorder.js';
import { Recording } from './recording.js';
import type { SfuServer } from './server.js';
import { startSfu } from './testing/fixtures.js';

const run = promisify(execFile);
let server: SfuServer;
let dir: string;

beforeAll(async () => {
  ({ server } = await startSfu());
  dir = await mkdtemp(path.join(tmpdir(), 'roomcast-rec-'));
});
afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A PlainTransport producer fed by ffmpeg with `seconds` of a tone at `hz` in real time, as Opus RTP. */
async function playTone(room: Awaited<ReturnType<SfuServer['room']>>, hz: number, seconds: number) {
  const ingest = await room.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const ssrc = 22222222 + hz;
  const producer = await ingest.produce({
    kind: 'audio',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', clockRate: 48000, payloadType: 101, channels: 2 }], encodings: [{ ssrc }] },
  });
  const source = spawn('ffmpeg', [
    '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}:sample_rate=48000`,
    '-ac', '2', '-c:a', 'libopus', '-b:a', '128k', '-payload_type', '101', '-ssrc', String(ssrc),
    '-f', 'rtp', `rtp://127.0.0.1:${ingest.tuple.localPort}?rtcpport=${ingest.rtcpTuple!.localPort}`,
  ]);
  const ended = new Promise((resolve) => source.once('exit', resolve));
  // Flowing: the producer's first RTP packet (a trace event), or a clear error if ffmpeg sends none.
  await producer.enableTraceEvent(['rtp']);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ffmpeg sent no RTP within 10 s (${hz} Hz)`)), 10_000);
    producer.once('trace', () => (clearTimeout(timer), resolve()));
  });
  await producer.enableTraceEvent([]);
  return { producerId: producer.id, ended, close: () => ingest.close() };
}

async function probe(file: string) {
  const probed = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,channels', '-of', 'json', file]);
  return JSON.parse(probed.stdout) as { format: { duration: string }; streams: { codec_name: string; channels: number }[] };
}

/** sox's rough frequency and RMS amplitude of `seconds` of the file from `from`. */
async function measure(file: string, from: number, seconds: number): Promise<{ hz: number; rms: number }> {
  const wav = `${file}.wav`;
  await run('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-y', wav]);
  const stat = await run('sox', [wav, '-n', 'trim', String(from), String(seconds), 'stat']).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  return { hz: Number(/Rough\s+frequency:\s+(\d+)/.exec(stat.stderr)?.[1]), rms: Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(stat.stderr)?.[1]) };
}

describe('Recording', () => {
  it('describes the stream to ffmpeg as stereo Opus', () => {
    expect(opusSdp(5000, 5001, 100)).toContain('a=rtpmap:100 opus/48000/2');
    expect(opusSdp(5000, 5001, 100)).toContain('m=audio 5000 RTP/AVP 100');
  });

  it("records a producer that is already on air from the recording's first instant, as long as it lasted", async () => {
    const room = await server.room('rec');
    const tone = await playTone(room, 660, 4);
    // The program plays before the recording starts, as at a go-live.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recording = new Recording('rec', room.id, dir);
    const startedAt = performance.now();
    await recording.record(room.router, tone.producerId);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const lasted = (performance.now() - startedAt) / 1000;
    const [name] = await Promise.all([recording.finish(), recording.finish()]);
    const file = path.join(dir, name!);
    const info = await probe(file);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    console.log(`[rec] ${Number(info.format.duration).toFixed(2)} s recorded of ${lasted.toFixed(2)} s, ${JSON.stringify(recording.packets())} packets`);
    expect(Math.abs(Number(info.format.duration) - lasted)).toBeLessThan(0.5);
    // No start-up loss: the tone is there from the first 100 ms on.
    expect(Math.abs((await measure(file, 0.1, 1)).hz - 660)).toBeLessThan(15);
    await tone.ended;
    tone.close();
  }, 20_000);

  it('a recording whose producer changes keeps one file on the wall clock: each producer in turn, silence while none was there', async () => {
    const room = await server.room('rec-segments');
    const recording = new Recording('seg', room.id, dir);
    // The studio's first producer, then (after a reload of about a second and a half) its second.
    const first = await playTone(room, 440, 2);
    const startedAt = performance.now();
    await recording.record(room.router, first.producerId);
    await first.ended;
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await playTone(room, 880, 2);
    await recording.record(room.router, second.producerId);
    await second.ended;
    const lasted = (performance.now() - startedAt) / 1000;
    const name = await recording.finish();
    expect(name).toBe('seg.ogg');
    expect(recording.segments).toBe(2);
    const file = path.join(dir, name!);
    const info = await probe(file);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    console.log(`[rec] ${Number(info.format.duration).toFixed(2)} s recorded of ${lasted.toFixed(2)} s, ${JSON.stringify(recording.packets())} packets`);
    expect(Math.abs(Number(info.format.duration) - lasted)).toBeLessThan(0.5);
    expect(Math.abs((await measure(file, 0.2, 1.4)).hz - 440)).toBeLessThan(15);
    expect((await measure(file, 2.4, 1)).rms).toBeLessThan(0.001);
    expect(Math.abs((await measure(file, lasted - 1.6, 1.4)).hz - 880)).toBeLessThan(20);
    expect((await readdir(dir)).filter((f) => f.startsWith('seg.') && !f.endsWith('.wav'))).toEqual(['seg.ogg']);
    await expect(recording.record(room.router, 'x')).rejects.toThrow(/finished/);
    second.close();
  }, 20_000);

  it('a recording that never heard its producer leaves no file', async () => {
    const recording = new Recording('none', 'nowhere', dir);
    expect(await recording.finish()).toBeNull();
    expect((await readdir(dir)).filter((f) => f.startsWith('none.'))).toEqual([]);
  });
});
