// The BullMQ transcode queue on the local Redis: jobs run by a worker (in process, and the real
// `roomcast-transcoder` entry killed mid-job), progress relayed through Redis, one job per video.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../testing/clips.js';
import { ffprobeStreams, nextEvent, spawnWorkerProcess, transcodeWorkspace, type TranscodeWorkspace } from '../testing/video-fixtures.js';
import { BullTranscodeQueue, startBullWorker } from './bullmq-queue.js';
import type { TranscodeProgress } from './transcode-queue.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

const REDIS_URL = process.env.ROOMCAST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = pino({ level: 'silent' });

describe('BullMQ transcode queue', () => {
  // Each run its own queue name: runs in parallel never see each other's jobs.
  const name = `roomcast-test-${randomBytes(6).toString('hex')}`;
  let ws: TranscodeWorkspace;
  let queue: BullTranscodeQueue;
  const closers: Array<() => Promise<void>> = [];

  const worker = async (extra: { leaseMs?: number; stalledIntervalMs?: number } = {}) => {
    const w = await startBullWorker({ redisUrl: REDIS_URL, name, db: ws.db, files: ws.files, log, concurrency: 1, leaseMs: 5000, preset: 'ultrafast', ...extra });
    closers.push(() => w.close());
    return w;
  };

  beforeAll(async () => {
    ws = await transcodeWorkspace(openDatabase);
    queue = await BullTranscodeQueue.create({ redisUrl: REDIS_URL, name, maxAttempts: 2, retryMs: 10 });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await queue?.close();
    // Leave nothing in the shared Redis.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`bull:${name}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await ws?.close();
  });

  it('says so when Redis cannot be reached, instead of waiting forever', async () => {
    await expect(BullTranscodeQueue.create({ redisUrl: 'redis://127.0.0.1:9', name, maxAttempts: 1, retryMs: 10, connectTimeoutMs: 300 })).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:9 \(REDIS_URL\)/);
  });

  it('runs a job once even when queued twice, relaying progress from the worker', async () => {
    const w = await worker();
    const video = await ws.addVideo(await makeClip(ws.clips, 'clip', { width: 1280, height: 720, seconds: 2 }));
    const ready = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'ready');
    const processing = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'processing');
    await queue.enqueue(video);
    await queue.enqueue(video);
    await processing;
    await ready;
    const done = (await ws.db.videos.findById(video.id))!;
    expect(done.status).toBe('ready');
    expect(done.renditions.map((r) => `${r.width}x${r.height}`).sort()).toEqual(['1280x720', '854x480']);
    expect(ffprobeStreams(join(ws.files.dir(video.id), done.renditions[0]!.file)).map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    // One attempt's outputs only: the second enqueue made no second job.
    expect(await readdir(ws.files.dir(video.id))).toHaveLength(1 + 2 + 3);
    await w.close();
  });

  it('a job that keeps failing ends failed with ffmpeg’s error', async () => {
    const w = await worker();
    const broken = join(ws.clips, 'broken.mp4');
    execFileSync('sh', ['-c', `head -c 4096 /dev/zero > ${broken}`]);
    const video = await ws.addVideo(broken);
    const failed = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'failed');
    await queue.enqueue(video);
    const event = await failed;
    expect(event.error).toMatch(/Invalid data|moov atom/i);
    expect(await ws.db.videos.findById(video.id)).toMatchObject({ status: 'failed', error: event.error });
    await w.close();
  });

  it('roomcast-transcoder killed mid-job: a restarted worker completes the job exactly once', async () => {
    const video = await ws.addVideo(await makeClip(ws.clips, 'long', { width: 1280, height: 720, seconds: 8, fps: 25 }));
    const { kill } = spawnWorkerProcess(new URL('../transcoder.ts', import.meta.url), {
      REDIS_URL, TRANSCODE_QUEUE: name, DATABASE_URL: ws.target.url, DATA_DIR: ws.dataDir, TRANSCODE_LEASE_SECONDS: '1.5', TRANSCODE_PRESET: 'slow', LOG_LEVEL: 'silent',
    });
    try {
      const started = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'processing' && e.progress > 0);
      await queue.enqueue(video);
      await started;
    } finally {
      await kill();
    }
    const leftover = (await readdir(ws.files.dir(video.id))).filter((f) => f !== 'source.mp4');
    expect(leftover.length).toBeGreaterThan(0);

    const readyEvents: TranscodeProgress[] = [];
    queue.onProgress((e) => {
      if (e.videoId === video.id && e.status === 'ready') readyEvents.push(e);
    });
    const ready = nextEvent(queue, (e) => e.videoId === video.id && e.status === 'ready');
    const w = await worker({ leaseMs: 1500, stalledIntervalMs: 500 });
    await ready;
    await w.close();
    expect(readyEvents).toHaveLength(1);
    const done = (await ws.db.videos.findById(video.id))!;
    expect(done.status).toBe('ready');
    const left = await readdir(ws.files.dir(video.id));
    for (const file of leftover) expect(left).not.toContain(file);
    expect(left).toHaveLength(1 + 2 + 3);
  });
});
