// A recording through the real worker: ffmpeg sends a 660 Hz Opus stream into a PlainTransport
// producer, the Recorder writes it to Ogg/Opus, and ffprobe and sox read the file back.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Recorder, opusSdp } from './recorder.js';
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

  it('records a producer to Ogg/Opus that holds the tone for as long as it played', async () => {
    const room = await server.room('rec');
    const ingest = await room.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    const producer = await ingest.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', clockRate: 48000, payloadType: 101, channels: 2 }], encodings: [{ ssrc: 22222222 }] },
    });
    const file = path.join(dir, 'rec.ogg');
    const recorder = await Recorder.start(room.router, producer.id, file);
    const port = ingest.tuple.localPort;
    const rtcpPort = ingest.rtcpTuple!.localPort;
    const source = spawn('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=660:duration=3:sample_rate=48000',
      '-ac', '2', '-c:a', 'libopus', '-b:a', '128k', '-payload_type', '101', '-ssrc', '22222222',
      '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}`,
    ]);
    await new Promise((resolve) => source.once('exit', resolve));
    // The source has ended: no packet comes any more, the hardest way to stop.
    await Promise.all([recorder.stop(), recorder.stop()]);

    const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,channels', '-of', 'json', file]);
    const info = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { codec_name: string; channels: number }[] };
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
    expect(Math.abs(Number(info.format.duration) - 3)).toBeLessThan(0.5);
    const wav = path.join(dir, 'rec.wav');
    await run('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-y', wav]);
    const stat = await run('sox', [wav, '-n', 'stat']).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
    const rough = Number(/Rough\s+frequency:\s+(\d+)/.exec(stat.stderr)?.[1]);
    expect(Math.abs(rough - 660)).toBeLessThan(15);
    ingest.close();
  });
});
