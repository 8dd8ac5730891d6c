import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp } from '@roomcast/signaling/testing';
import { AgentCredentials, type TrackView } from '@roomcast/shared';
import { startAgent, type RunningAgent } from './agent.js';
import { IndexDb } from './index-db.js';
import { scan } from './scanner.js';
import { FIXTURE, makeTrack } from './testing/fixture.js';
import { connectListener, type NodeListener } from './testing/node-listener.js';
import { decodeMono, loudestOf } from './testing/tone.js';

const run = promisify(execFile);
const SECONDS = 20;
const TONES = [440, 880] as const;

let app: Awaited<ReturnType<typeof startTestApp>>;
let work: string;
let index: IndexDb;
let agent: RunningAgent;
let listener: NodeListener;
let track: TrackView;

/** What ffprobe says of bytes received: codec, duration and the stream's bitrate over it. */
async function probe(bytes: Uint8Array): Promise<{ file: string; codec: string; durationS: number; kbps: number }> {
  const file = path.join(work, `received-${Math.random().toString(36).slice(2)}.ogg`);
  await writeFile(file, bytes);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file]);
  const info = JSON.parse(stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
  const durationS = Number(info.format.duration);
  return { file, codec: info.streams[0]!.codec_name, durationS, kbps: (bytes.byteLength * 8) / durationS / 1000 };
}

beforeAll(async () => {
  app = await startTestApp();
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-transcode-'));
  // Lossless source, 440 Hz for the first half and 880 Hz for the second.
  await makeTrack(path.join(work, 'Music/Hum.flac'), { ...FIXTURE[2]!, title: 'Hum', hz: [...TONES] }, SECONDS);
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  await scan(index, [path.join(work, 'Music')]);
  const owner = new Client(app.url);
  expect((await owner.call('POST', '/api/auth/signup', { email: 'owner@example.org', password: 'long enough password', displayName: 'Owner' })).status).toBe(201);
  const creds = AgentCredentials.parse((await owner.call('POST', '/api/library/agents', { name: 'PC' })).json);
  agent = startAgent({ server: app.url, token: creds.token, index, maxUploadBytes: undefined, bindAddress: '127.0.0.1', log: () => {} });
  await agent.connected;
  // Through the server relay: the protocol is the same on every rung, and this one needs no ICE.
  listener = await connectListener(app.url, owner.cookie, creds.agentId, { relay: true });
  track = (await listener.client.request('search', { q: 'Hum' })).tracks[0]!;
});
afterAll(async () => {
  listener?.close();
  agent?.close();
  index?.close();
  await app?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('data saver', () => {
  it('streams the track as Opus at about the asked bitrate, whole, with its first tone first', async () => {
    const { header, bytes } = await listener.client.transcode(track.id, { kbps: 48 });
    expect(header).toMatchObject({ mime: 'audio/ogg; codecs=opus', kbps: 48, startMs: 0 });
    expect(header.durationMs).toBeGreaterThan(SECONDS * 1000 - 100);
    const got = await probe(bytes);
    expect(got.codec).toBe('opus');
    expect(got.durationS).toBeGreaterThan(SECONDS - 0.3);
    expect(got.durationS).toBeLessThan(SECONDS + 0.3);
    // Constant bitrate plus Ogg framing: within 15 % of what was asked, and far below the FLAC.
    expect(got.kbps).toBeGreaterThan(48 * 0.9);
    expect(got.kbps).toBeLessThan(48 * 1.15);
    expect(bytes.byteLength * 5).toBeLessThan(track.size);
    const pcm = await decodeMono(got.file);
    expect(loudestOf(pcm, TONES, 1)).toBe(440);
    expect(loudestOf(pcm, TONES, SECONDS - 2)).toBe(880);
  });

  it('seeks by time: from 75 % it is the second tone, and as long as what is left', async () => {
    let streamed = 0;
    const { header, received } = await listener.client.transcode(track.id, { kbps: 24, startMs: 15_000 }, (c) => (streamed += c.byteLength));
    expect(header).toMatchObject({ kbps: 24, startMs: 15_000 });
    expect(received).toBe(streamed);
    const again = await listener.client.transcode(track.id, { kbps: 24, startMs: 15_000 });
    const got = await probe(again.bytes);
    expect(got.durationS).toBeGreaterThan(4.7);
    expect(got.durationS).toBeLessThan(5.3);
    expect(got.kbps).toBeLessThan(24 * 1.2);
    const pcm = await decodeMono(got.file);
    expect(loudestOf(pcm, TONES, 0.2)).toBe(880);
  });

  it('refuses a start past the end and a bitrate out of range; a cancelled stream stops', async () => {
    await expect(listener.client.transcode(track.id, { kbps: 48, startMs: 60_000 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(listener.client.transcode(track.id, { kbps: 4 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(listener.client.transcode('notInTheIndex', { kbps: 48 })).rejects.toMatchObject({ code: 'not_found' });
    const id = listener.client.nextRequestId;
    const streaming = listener.client.transcode(track.id, { kbps: 256 }, () => listener.client.cancel(id));
    await expect(streaming).rejects.toMatchObject({ message: 'cancelled' });
    // The agent freed its slot: the next stream runs to the end.
    expect((await listener.client.transcode(track.id, { kbps: 16, startMs: 19_000 })).bytes.byteLength).toBeGreaterThan(0);
  });
});
