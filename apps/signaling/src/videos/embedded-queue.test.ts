// The embedded transcode queue with real ffmpeg: renditions never upscaled, failures end failed
// with ffmpeg's words, and a worker killed mid-job loses nothing and does nothing twice.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../testing/clips.js';
import { ffprobeStreams, mp4Boxes, nextEvent, spawnWorkerProcess, transcodeWorkspace, type TranscodeWorkspace } from '../testing/video-fixtures.js';
import { EmbeddedTranscodeQueue, type EmbeddedQueueOptions } from './embedded-queue.js';
import type { TranscodeProgress, TranscodeQueue } from './transcode-queue.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

const log = pino({ level: 'silent' });

describe('embedded transcode queue', () => {
  let ws: TranscodeWorkspace;
  const queues: TranscodeQueue[] = [];

  const startQueue = async (extra: Partial<EmbeddedQueueOptions> = {}) => {
    const queue = await EmbeddedTranscodeQueue.create({ db: ws.db, files: ws.files, log, workers: 1, leaseMs: 5000, maxAttempts: 2, retryMs: 0, preset: 'ultrafast', pollMs: 100, ...extra });
    queues.push(queue);
    return queue;
  };

  beforeAll(async () => {
    ws = await transcodeWorkspace(openDatabase);
  });
  afterAll(async () => {
    for (const queue of queues) await queue.close();
    await ws?.close();
  });

  it('makes the ladder below the source, never above it: H.264/AAC, +faststart, poster and sprite', async () => {
    const queue = await startQueue();
    const hd = await ws.addVideo(await makeClip(ws.clips, 'hd', { width: 1280, height: 720, seconds: 2 }));
    const small = await ws.addVideo(await makeClip(ws.clips, 'small', { width: 640, height: 360, seconds: 2, audio: false }));
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

    const hdDone = (await ws.db.videos.findById(hd.id))!;
    expect(hdDone).toMatchObject({ status: 'ready', progress: 100 });
    expect(hdDone.renditions.map((r) => [r.width, r.height]).sort((a, b) => b[1]! - a[1]!)).toEqual([[1280, 720], [854, 480]]);
    for (const r of hdDone.renditions) {
      const path = join(ws.files.dir(hd.id), r.file);
      const s = ffprobeStreams(path);
      expect(s.find((x) => x.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: r.width, height: r.height });
      expect(s.find((x) => x.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
      const order = await mp4Boxes(path);
      expect(order.indexOf('moov')).toBeLessThan(order.indexOf('mdat'));
    }
    expect(ffprobeStreams(join(ws.files.dir(hd.id), hdDone.poster!))[0]).toMatchObject({ codec_name: 'mjpeg', height: 720 });
    const vtt = await readFile(join(ws.files.dir(hd.id), hdDone.thumbnails!), 'utf8');
    expect(vtt).toMatch(/^WEBVTT/);
    expect(vtt).toContain(`${hdDone.sprite}#xywh=160,0,160,90`);
    expect(ffprobeStreams(join(ws.files.dir(hd.id), hdDone.sprite!))[0]).toMatchObject({ width: 320, height: 90 });

    // 360p in: one 360p rendition out, no audio track invented.
    const smallDone = (await ws.db.videos.findById(small.id))!;
    expect(smallDone.renditions.map((r) => [r.width, r.height])).toEqual([[640, 360]]);
    expect(ffprobeStreams(join(ws.files.dir(small.id), smallDone.renditions[0]!.file)).map((x) => x.codec_type)).toEqual(['video']);
    // Only the source and the committed outputs are in the folder.
    expect((await readdir(ws.files.dir(small.id))).sort()).toEqual(['source.mp4', smallDone.poster!, smallDone.renditions[0]!.file, smallDone.sprite!, smallDone.thumbnails!].sort());
    expect((await ws.db.transcodeJobs.findByVideo(small.id))[0]).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('with WebM enabled, adds VP9/Opus renditions of the same sizes', async () => {
    const queue = await startQueue({ webm: true });
    const video = await ws.addVideo(await makeClip(ws.clips, 'webm-src', { width: 320, height: 240, seconds: 2 }));
    const ready = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'ready');
    await queue.enqueue(video);
    await ready;
    await queue.close();
    const done = (await ws.db.videos.findById(video.id))!;
    expect(done.renditions.map((r) => `${r.container} ${r.width}x${r.height}`).sort()).toEqual(['mp4 320x240', 'webm 320x240']);
    const webm = done.renditions.find((r) => r.container === 'webm')!;
    expect(ffprobeStreams(join(ws.files.dir(video.id), webm.file)).map((s) => s.codec_name).sort()).toEqual(['opus', 'vp9']);
  });

  it('a job that keeps failing ends failed with ffmpeg’s error, after its attempts', async () => {
    const queue = await startQueue({ maxAttempts: 2 });
    const broken = join(ws.clips, 'broken.mp4');
    await writeFile(broken, Buffer.alloc(4096, 7));
    const video = await ws.addVideo(broken);
    const failed = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'failed');
    await queue.enqueue(video);
    const event = await failed;
    expect(event.error).toMatch(/Invalid data|moov atom|not a video/i);
    expect(await ws.db.videos.findById(video.id)).toMatchObject({ status: 'failed', error: event.error });
    expect((await ws.db.transcodeJobs.findByVideo(video.id))[0]).toMatchObject({ state: 'failed', attempts: 2, error: event.error });
    expect((await readdir(ws.files.dir(video.id)))).toEqual(['source.mp4']);
  });

  it('a worker killed mid-job: on restart the job is claimed again and completes exactly once', async () => {
    for (const queue of queues.splice(0)) await queue.close();
    const video = await ws.addVideo(await makeClip(ws.clips, 'long', { width: 1280, height: 720, seconds: 8, fps: 25 }));
    await ws.db.transcodeJobs.add(video.id, 3);

    const { child, kill } = spawnWorkerProcess(new URL('../testing/transcode-child.ts', import.meta.url), { DATABASE_URL: ws.target.url, DATA_DIR: ws.dataDir, LEASE_MS: '1500', PRESET: 'slow' }, 'pipe');
    try {
      // Kill it once it is really transcoding (progress past 0).
      for await (const line of createInterface({ input: child.stdout! })) {
        const event = JSON.parse(line) as Partial<TranscodeProgress>;
        if (event.videoId === video.id && event.status === 'processing' && (event.progress ?? 0) > 0) break;
      }
    } finally {
      await kill();
    }
    const crashed = (await ws.db.transcodeJobs.findByVideo(video.id))[0]!;
    expect(crashed).toMatchObject({ state: 'running', attempts: 1 });
    const leftover = (await readdir(ws.files.dir(video.id))).filter((f) => f !== 'source.mp4');
    expect(leftover.length).toBeGreaterThan(0); // the dead attempt's partial output

    const queue = await startQueue({ leaseMs: 1500 });
    const readyEvents: TranscodeProgress[] = [];
    queue.onProgress((e) => {
      if (e.videoId === video.id && e.status === 'ready') readyEvents.push(e);
    });
    await nextEvent(queue, (e) => e.videoId === video.id && e.status === 'ready');
    await queue.close();
    expect(readyEvents).toHaveLength(1);
    const jobs = await ws.db.transcodeJobs.findByVideo(video.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 2 });
    const done = (await ws.db.videos.findById(video.id))!;
    expect(done.status).toBe('ready');
    expect(done.renditions.map((r) => r.height).sort()).toEqual([480, 720]);
    // The crashed attempt's files are gone; only the committed attempt's remain.
    const left = await readdir(ws.files.dir(video.id));
    for (const file of leftover) expect(left).not.toContain(file);
    expect(left).toHaveLength(1 + 2 + 3);
  });
});
