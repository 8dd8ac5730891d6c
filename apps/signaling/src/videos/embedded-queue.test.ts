// The embedded transcode queue with real ffmpeg: renditions never upscaled, failures end failed
// with ffmpeg's words, and a worker killed mid-job loses nothing and does nothing twice.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.js';
import { shortId } from '../db/ids.js';
import { makeClip } from '../testing/clips.js';
import { sqliteDatabase, type TestDatabase } from '../testing/databases.js';
import { EmbeddedTranscodeQueue, type EmbeddedQueueOptions } from './embedded-queue.js';
import { probe } from './ffmpeg.js';
import type { TranscodeProgress, TranscodeQueue } from './transcode-queue.js';
import { VideoFiles } from './video-files.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

const log = pino({ level: 'silent' });

/** Resolves with the first progress event that matches. */
const nextEvent = (queue: TranscodeQueue, match: (e: TranscodeProgress) => boolean) =>
  new Promise<TranscodeProgress>((resolve) => {
    const off = queue.onProgress((e) => {
      if (!match(e)) return;
      off();
      resolve(e);
    });
  });

interface StreamInfo {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}
const streams = (file: string): StreamInfo[] =>
  JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', file], { encoding: 'utf8' })).streams;

/** Top-level MP4 box types in order: +faststart puts `moov` before `mdat`. */
async function boxes(file: string): Promise<string[]> {
  const bytes = await readFile(file);
  const types: string[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    types.push(bytes.toString('latin1', at + 4, at + 8));
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size < 8) break;
    at += size;
  }
  return types;
}

describe('embedded transcode queue', () => {
  let target: TestDatabase;
  let db: Database;
  let dataDir: string;
  let clips: string;
  let files: VideoFiles;
  let ownerId: string;
  const queues: TranscodeQueue[] = [];

  const startQueue = async (extra: Partial<EmbeddedQueueOptions> = {}) => {
    const queue = await EmbeddedTranscodeQueue.create({ db, files, log, workers: 1, leaseMs: 5000, maxAttempts: 2, retryMs: 0, preset: 'ultrafast', pollMs: 100, ...extra });
    queues.push(queue);
    return queue;
  };

  /** A video row with this file as its source, as an upload leaves it. */
  const addVideo = async (source: string) => {
    const id = shortId();
    await mkdir(files.dir(id), { recursive: true });
    await copyFile(source, files.source(id, 'mp4'));
    const info = await probe(source).catch(() => ({ durationMs: 1000, width: 320, height: 240, hasAudio: false }));
    return db.videos.create({ id, ownerId, title: 'clip', sourceName: 'clip.mp4', sourceBytes: 1, durationMs: info.durationMs, width: info.width, height: info.height, hasAudio: info.hasAudio });
  };

  beforeAll(async () => {
    target = await sqliteDatabase();
    db = await openDatabase(target.url);
    dataDir = await mkdtemp(join(tmpdir(), 'roomcast-transcode-'));
    clips = await mkdtemp(join(tmpdir(), 'roomcast-clips-'));
    files = new VideoFiles(dataDir);
    await files.ensure();
    ownerId = (await db.users.create({ displayName: 'Owner' })).id;
  });
  afterAll(async () => {
    for (const queue of queues) await queue.close();
    await db?.close();
    await target?.drop();
    for (const dir of [dataDir, clips]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes the ladder below the source, never above it: H.264/AAC, +faststart, poster and sprite', async () => {
    const queue = await startQueue();
    const hd = await addVideo(await makeClip(clips, 'hd', { width: 1280, height: 720, seconds: 2 }));
    const small = await addVideo(await makeClip(clips, 'small', { width: 640, height: 360, seconds: 2, audio: false }));
    const seen: number[] = [];
    queue.onProgress((e) => {
      if (e.videoId === hd.id && e.status === 'processing') seen.push(e.progress);
    });
    const hdReady = nextEvent(queue, (e) => e.videoId === hd.id && e.status === 'ready');
    const smallReady = nextEvent(queue, (e) => e.videoId === small.id && e.status === 'ready');
    await queue.enqueue(hd);
    await queue.enqueue(small);
    await hdReady;
    await smallReady;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // progress only moves forward

    const hdDone = (await db.videos.findById(hd.id))!;
    expect(hdDone).toMatchObject({ status: 'ready', progress: 100 });
    expect(hdDone.renditions.map((r) => [r.width, r.height]).sort((a, b) => b[1]! - a[1]!)).toEqual([[1280, 720], [854, 480]]);
    for (const r of hdDone.renditions) {
      const path = join(files.dir(hd.id), r.file);
      const s = streams(path);
      expect(s.find((x) => x.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: r.width, height: r.height });
      expect(s.find((x) => x.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
      const order = await boxes(path);
      expect(order.indexOf('moov')).toBeLessThan(order.indexOf('mdat'));
    }
    expect(streams(join(files.dir(hd.id), hdDone.poster!))[0]).toMatchObject({ codec_name: 'mjpeg', height: 720 });
    const vtt = await readFile(join(files.dir(hd.id), hdDone.thumbnails!), 'utf8');
    expect(vtt).toMatch(/^WEBVTT/);
    expect(vtt).toContain(`${hdDone.sprite}#xywh=160,0,160,90`);
    expect(streams(join(files.dir(hd.id), hdDone.sprite!))[0]).toMatchObject({ width: 320, height: 90 });

    // 360p in: one 360p rendition out, no audio track invented.
    const smallDone = (await db.videos.findById(small.id))!;
    expect(smallDone.renditions.map((r) => [r.width, r.height])).toEqual([[640, 360]]);
    expect(streams(join(files.dir(small.id), smallDone.renditions[0]!.file)).map((x) => x.codec_type)).toEqual(['video']);
    // Only the source and the committed outputs are in the folder.
    expect((await readdir(files.dir(small.id))).sort()).toEqual(['source.mp4', smallDone.poster!, smallDone.renditions[0]!.file, smallDone.sprite!, smallDone.thumbnails!].sort());
    expect((await db.transcodeJobs.findByVideo(small.id))[0]).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a job that keeps failing ends failed with ffmpeg’s error, after its attempts', async () => {
    const queue = await startQueue({ maxAttempts: 2 });
    const broken = join(clips, 'broken.mp4');
    await writeFile(broken, Buffer.alloc(4096, 7));
    const video = await addVideo(broken);
    const failed = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'failed');
    await queue.enqueue(video);
    const event = await failed;
    expect(event.error).toMatch(/Invalid data|moov atom|not a video/i);
    expect(await db.videos.findById(video.id)).toMatchObject({ status: 'failed', error: event.error });
    expect((await db.transcodeJobs.findByVideo(video.id))[0]).toMatchObject({ state: 'failed', attempts: 2, error: event.error });
    expect((await readdir(files.dir(video.id)))).toEqual(['source.mp4']);
  });

  it('a worker killed mid-job: on restart the job is claimed again and completes exactly once', async () => {
    for (const queue of queues.splice(0)) await queue.close();
    const video = await addVideo(await makeClip(clips, 'long', { width: 1280, height: 720, seconds: 8, fps: 25 }));
    await db.transcodeJobs.add(video.id, 3);

    const child = spawn(process.execPath, ['--conditions=roomcast-source', '--import', 'tsx', fileURLToPath(new URL('../testing/transcode-child.ts', import.meta.url))], {
      env: { ...process.env, DATABASE_URL: target.url, DATA_DIR: dataDir, LEASE_MS: '1500', PRESET: 'slow' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true, // its own process group: ffmpeg dies with it
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Kill it once it is really transcoding (progress past 0).
      for await (const line of createInterface({ input: child.stdout! })) {
        const event = JSON.parse(line) as Partial<TranscodeProgress>;
        if (event.videoId === video.id && event.status === 'processing' && (event.progress ?? 0) > 0) break;
      }
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    const crashed = (await db.transcodeJobs.findByVideo(video.id))[0]!;
    expect(crashed).toMatchObject({ state: 'running', attempts: 1 });
    const leftover = (await readdir(files.dir(video.id))).filter((f) => f !== 'source.mp4');
    expect(leftover.length).toBeGreaterThan(0); // the dead attempt's partial output

    const queue = await startQueue({ leaseMs: 1500 });
    const readyEvents: TranscodeProgress[] = [];
    queue.onProgress((e) => {
      if (e.videoId === video.id && e.status === 'ready') readyEvents.push(e);
    });
    await nextEvent(queue, (e) => e.videoId === video.id && e.status === 'ready');
    await queue.close();
    expect(readyEvents).toHaveLength(1);
    const jobs = await db.transcodeJobs.findByVideo(video.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 2 });
    const done = (await db.videos.findById(video.id))!;
    expect(done.status).toBe('ready');
    expect(done.renditions.map((r) => r.height).sort()).toEqual([480, 720]);
    // The crashed attempt's files are gone; only the committed attempt's remain.
    const left = await readdir(files.dir(video.id));
    for (const file of leftover) expect(left).not.toContain(file);
    expect(left).toHaveLength(1 + 2 + 3);
  });
});
