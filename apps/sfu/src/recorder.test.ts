// A recording through the real worker: ffmpeg sends a 660 Hz Opus stream into a PlainTransport
// producer, the Recorder writes it to Ogg/Opus, and ffprobe and sox read the file back.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Recorder, opusSdp } from './recorder.js';
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

describe('Recorder', () => {
  it('describes the stream to ffmpeg as stereo Opus', () => {
    expect(opusSdp(5000, 5001, 100)).toContain('a=rtpmap:100 opus/48000/2');
    expect(opusSdp(5000, 5001, 100)).toContain('m=audio 5000 RTP/AVP 100');
  });

  /** A PlainTransport producer fed by ffmpeg with `seconds` of a tone at `hz`, as Opus RTP; resolves when the source ended. */
  async function playTone(room: Awaited<ReturnType<SfuServer['room']>>, hz: number, seconds: number, start: (producerId: string) => Promise<unknown>) {
    const ingest = await room.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    const ssrc = 22222222 + hz;
    const producer = await ingest.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', clockRate: 48000, payloadType: 101, channels: 2 }], encodings: [{ ssrc }] },
    });
    await start(producer.id);
    const source = spawn('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}:sample_rate=48000`,
      '-ac', '2', '-c:a', 'libopus', '-b:a', '128k', '-payload_type', '101', '-ssrc', String(ssrc),
      '-f', 'rtp', `rtp://127.0.0.1:${ingest.tuple.localPort}?rtcpport=${ingest.rtcpTuple!.localPort}`,
    ]);
    await new Promise((resolve) => source.once('exit', resolve));
    return ingest;
  }

  async function probe(file: string) {
    const probed = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,channels', '-of', 'json', file]);
    return JSON.parse(probed.stdout) as { format: { duration: string }; streams: { codec_name: string; channels: number }[] };
  }

  /** sox's rough frequency of `seconds` of the file from `from`. */
  async function roughFrequency(file: string, from = 0, seconds?: number): Promise<number> {
    const wav = `${file}.wav`;
    await run('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-y', wav]);
    const stat = await run('sox', [wav, '-n', 'trim', String(from), ...(seconds ? [String(seconds)] : []), 'stat']).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
    return Number(/Rough\s+frequency:\s+(\d+)/.exec(stat.stderr)?.[1]);
  }

  it('records a producer to Ogg/Opus that holds the tone for as long as it played', async () => {
    const room = await server.room('rec');
    const file = path.join(dir, 'rec.ogg');
    let recorder!: Recorder;
    const ingest = await playTone(room, 660, 3, async (producerId) => (recorder = await Recorder.start(room.router, producerId, file)));
    // The source has ended: no packet comes any more, the hardest way to stop.
    await Promise.all([recorder.stop(), recorder.stop()]);

    const info = await probe(file);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    expect(Math.abs(Number(info.format.duration) - 3)).toBeLessThan(0.5);
    expect(Math.abs((await roughFrequency(file)) - 660)).toBeLessThan(15);
    ingest.close();
  });

  it('a recording whose producer changes keeps one file: each producer a segment, joined in order', async () => {
    const room = await server.room('rec-segments');
    const recording = new Recording('seg', room.id, dir);
    // The studio's first producer, then (after a reload) its second.
    const first = await playTone(room, 440, 2, (producerId) => recording.record(room.router, producerId));
    first.close();
    const second = await playTone(room, 880, 2, (producerId) => recording.record(room.router, producerId));
    const [name] = await Promise.all([recording.finish(), recording.finish()]);
    expect(name).toBe('seg.ogg');
    expect(recording.segments).toBe(2);
    const file = path.join(dir, name);
    const info = await probe(file);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    expect(Math.abs(Number(info.format.duration) - 4)).toBeLessThan(0.6);
    expect(Math.abs((await roughFrequency(file, 0.3, 1.4)) - 440)).toBeLessThan(15);
    expect(Math.abs((await roughFrequency(file, 2.3, 1.4)) - 880)).toBeLessThan(20);
    // Only the archive is left in the folder (the segments were joined into it).
    expect((await readdir(dir)).filter((f) => f.startsWith('seg.') && !f.endsWith('.wav'))).toEqual(['seg.ogg']);
    await expect(recording.record(room.router, 'x')).rejects.toThrow(/finished/);
    second.close();
  });
});
