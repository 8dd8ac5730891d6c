// The transcode queue on BullMQ (REDIS_URL set): signaling only enqueues and relays progress;
// `roomcast-transcoder` processes (transcoder.ts), possibly on other machines sharing DATA_DIR
// and the database, run the jobs. BullMQ's locks do what leases do in the embedded queue: a
// crashed worker's job is stalled, moved back and retried; attempts and backoff are its own.
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Database } from '../db/index.js';
import { shortId } from '../db/ids.js';
import { runTranscode } from './run-transcode.js';
import { ProgressListeners, type TranscodeProgress, type TranscodeQueue } from './transcode-queue.js';
import type { VideoFiles } from './video-files.js';

interface JobData {
  videoId: string;
  ownerId: string;
}

export interface BullOptions {
  redisUrl: string;
  /** Queue name (TRANSCODE_QUEUE). */
  name: string;
  maxAttempts: number;
  retryMs: number;
  /** How long startup waits for Redis before failing with a clear error. */
  connectTimeoutMs?: number;
  log?: Logger;
}

/**
 * Fails fast with a clear error when Redis does not answer: BullMQ's own connections retry
 * forever, which would hold startup with no word why.
 */
async function reachable(url: string, timeoutMs = 10_000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {}); // the rejection below says it once
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new Error(`cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} (REDIS_URL): ${(error as Error).message}`);
  } finally {
    probe.disconnect();
  }
}

/** Redis errors while running (a restart, a blip): one line when it goes, one when it is back. */
function logOutages(redis: Redis, log: Logger | undefined, what: string): Redis {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log?.warn({ err: error }, `${what}: lost Redis; retrying`);
  });
  redis.on('ready', () => {
    if (down) log?.info(`${what}: Redis is back`);
    down = false;
  });
  return redis;
}

/** BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers, events). */
const connect = (url: string) => new Redis(url, { maxRetriesPerRequest: null });

export class BullTranscodeQueue implements TranscodeQueue {
  readonly #listeners = new ProgressListeners();
  #closing: Promise<void> | undefined;

  private constructor(
    private readonly opts: BullOptions,
    private readonly connections: Redis[],
    private readonly queue: Queue<JobData>,
    private readonly events: QueueEvents,
  ) {}

  static async create(opts: BullOptions): Promise<BullTranscodeQueue> {
    const name = opts.name;
    await reachable(opts.redisUrl, opts.connectTimeoutMs);
    const redis = logOutages(connect(opts.redisUrl), opts.log, 'transcode queue');
    const queue = new Queue<JobData>(name, { connection: redis });
    const eventsRedis = logOutages(connect(opts.redisUrl), opts.log, 'transcode queue events');
    const events = new QueueEvents(name, { connection: eventsRedis });
    const self = new BullTranscodeQueue(opts, [redis, eventsRedis], queue, events);
    // Workers publish every change as job progress; this process relays it to the owner.
    events.on('progress', ({ data }) => {
      if (typeof data === 'object' && data !== null && 'videoId' in data) self.#listeners.emit(data as unknown as TranscodeProgress);
    });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return self;
  }

  async enqueue(video: { id: string; ownerId: string }): Promise<void> {
    // The video id is the job id: queueing the same video twice makes one job.
    await this.queue.add('transcode', { videoId: video.id, ownerId: video.ownerId }, {
      jobId: video.id,
      attempts: this.opts.maxAttempts,
      backoff: { type: 'exponential', delay: this.opts.retryMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
    this.#listeners.emit({ videoId: video.id, ownerId: video.ownerId, status: 'queued', progress: 0, error: null });
  }

  onProgress(listener: (event: TranscodeProgress) => void): () => void {
    return this.#listeners.add(listener);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.events.close();
      await this.queue.close();
      for (const redis of this.connections) await redis.quit().catch(() => 'OK');
    })();
    return this.#closing;
  }
}

export interface BullWorkerOptions {
  redisUrl: string;
  name: string;
  db: Database;
  files: VideoFiles;
  log: Logger;
  concurrency: number;
  /** How long a job's lock lasts without renewal (BullMQ renews at half). */
  leaseMs: number;
  preset: string;
  /** Also WebM (VP9/Opus) renditions. */
  webm?: boolean;
  /** How often stalled jobs (their worker died) are looked for; defaults to the lease. */
  stalledIntervalMs?: number;
}

/** Runs transcode jobs from Redis. @returns close(), which hands unfinished jobs back. */
export async function startBullWorker(opts: BullWorkerOptions): Promise<{ close(): Promise<void> }> {
  const { db, files, log } = opts;
  const run = async (job: Job<JobData>) => {
    const { videoId, ownerId } = job.data;
    const video = await db.videos.findById(videoId);
    if (!video) return; // deleted while queued
    const publish = (status: TranscodeProgress['status'], progress: number, error: string | null = null) =>
      job.updateProgress({ videoId, ownerId, status, progress, error } satisfies TranscodeProgress);
    // Fresh per run: a stalled job re-run does not count as an attempt, and must not share files.
    const tag = shortId(8);
    let last = -1;
    await db.videos.setProgress(videoId, 'processing', 0);
    await publish('processing', 0);
    try {
      const output = await runTranscode({ files, videoId, tag, preset: opts.preset, webm: opts.webm ?? false, onProgress: (fraction) => {
        const percent = Math.min(99, Math.floor(fraction * 100));
        if (percent === last) return;
        last = percent;
        publish('processing', percent).catch(() => {});
      } });
      const ready = await db.videos.finish(videoId, output);
      if (ready) await files.keepOnly(ready);
      await publish('ready', 100);
    } catch (error) {
      await files.removeTagged(videoId, tag);
      const message = (error as Error).message;
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        await db.videos.setProgress(videoId, 'failed', 0, message);
        await publish('failed', 0, message);
      } else await publish('queued', 0);
      throw error;
    }
  };
  await reachable(opts.redisUrl);
  const redis = logOutages(connect(opts.redisUrl), log, 'transcode worker');
  const worker = new Worker<JobData>(opts.name, run, {
    connection: redis,
    concurrency: opts.concurrency,
    lockDuration: opts.leaseMs,
    stalledInterval: opts.stalledIntervalMs ?? opts.leaseMs,
    // A job whose worker died twice is failed rather than retried forever.
    maxStalledCount: 2,
  });
  worker.on('failed', (job, error) => log.warn({ videoId: job?.data.videoId, attempt: job?.attemptsMade, error: error.message }, 'transcode attempt failed'));
  // Connection trouble is reported once by logOutages; anything else is worth a line each.
  worker.on('error', (error) => {
    if (!/ECONN|ETIMEDOUT|Connection is closed/.test(error.message)) log.warn({ err: error }, 'transcode worker error');
  });
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    close: () => (closing ??= (async () => {
      await worker.close();
      await redis.quit().catch(() => 'OK');
    })()),
  };
}
