// The embedded transcode queue: jobs persisted in the database (transcode-jobs.ts), run by
// in-process workers. A restart loses nothing: queued jobs wait in the table, and a job whose
// worker died is claimed again once its lease runs out.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/index.js';
import { shortId } from '../db/ids.js';
import { systemClock, type Clock } from '../rooms/clock.js';
import { runTranscode } from './run-transcode.js';
import type { TranscodeJob } from './transcode-jobs.js';
import { ProgressListeners, type TranscodeProgress, type TranscodeQueue } from './transcode-queue.js';
import type { VideoFiles } from './video-files.js';

export interface EmbeddedQueueOptions {
  db: Database;
  files: VideoFiles;
  log: Logger;
  /** Jobs run at once in this process; 0 only queues (another process runs them). */
  workers: number;
  leaseMs: number;
  maxAttempts: number;
  /** First retry delay; doubles with each failed attempt. */
  retryMs: number;
  preset: string;
  /** Also WebM (VP9/Opus) renditions. */
  webm?: boolean;
  clock?: Clock;
  /** How often an idle worker looks for jobs another process queued (this process's own wake it at once). */
  pollMs?: number;
}

export class EmbeddedTranscodeQueue implements TranscodeQueue {
  readonly #listeners = new ProgressListeners();
  readonly #clock: Clock;
  readonly #workers: Promise<void>[] = [];
  readonly #wakers = new Set<() => void>();
  readonly #running = new Map<string, AbortController>();
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(private readonly opts: EmbeddedQueueOptions) {
    this.#clock = opts.clock ?? systemClock;
  }

  static async create(opts: EmbeddedQueueOptions): Promise<EmbeddedTranscodeQueue> {
    const queue = new EmbeddedTranscodeQueue(opts);
    // Each worker has its own id: the lease names who holds a job, across processes too.
    const processTag = randomBytes(4).toString('hex');
    for (let i = 0; i < opts.workers; i++) queue.#workers.push(queue.#work(`${processTag}-${i}`));
    return queue;
  }

  async enqueue(video: { id: string; ownerId: string }): Promise<void> {
    await this.opts.db.transcodeJobs.add(video.id, this.opts.maxAttempts);
    this.#listeners.emit({ videoId: video.id, ownerId: video.ownerId, status: 'queued', progress: 0, error: null });
    for (const wake of this.#wakers) wake();
  }

  onProgress(listener: (event: TranscodeProgress) => void): () => void {
    return this.#listeners.add(listener);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      for (const wake of this.#wakers) wake();
      for (const abort of this.#running.values()) abort.abort();
      await Promise.allSettled(this.#workers);
    })();
    return this.#closing;
  }

  async #work(workerId: string): Promise<void> {
    while (!this.#closed) {
      let job: TranscodeJob | null = null;
      try {
        job = await this.opts.db.transcodeJobs.claim(workerId, this.opts.leaseMs, new Date(this.#clock()));
      } catch (error) {
        if (this.#closed) return;
        this.opts.log.warn({ err: error }, 'transcode queue: claiming a job failed');
      }
      if (job) await this.#run(job, workerId);
      else await this.#idle();
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.opts.pollMs ?? 1000);
      this.#wakers.add(done);
    });
  }

  async #run(job: TranscodeJob, workerId: string): Promise<void> {
    const { db, files, log, leaseMs } = this.opts;
    const video = await db.videos.findById(job.videoId);
    if (!video) return; // deleted: its jobs went with it
    const abort = new AbortController();
    this.#running.set(job.id, abort);
    const emit = (status: TranscodeProgress['status'], progress: number, error: string | null = null) =>
      this.#listeners.emit({ videoId: video.id, ownerId: video.ownerId, status, progress, error });
    let progress = 0;
    let lost = false;
    // Renew often enough that one slow database round trip never lets the lease lapse.
    const renew = setInterval(() => {
      db.transcodeJobs.renew(job.id, workerId, new Date(this.#clock() + leaseMs), progress).then(
        (held) => {
          if (held) return;
          lost = true;
          abort.abort();
        },
        (error: unknown) => log.warn({ err: error, videoId: video.id }, 'transcode queue: renewing a lease failed'),
      );
    }, Math.max(50, Math.min(leaseMs / 3, 2000)));
    const tag = shortId(8);
    emit('processing', 0);
    try {
      const output = await runTranscode({ files, videoId: video.id, tag, preset: this.opts.preset, webm: this.opts.webm ?? false, signal: abort.signal, onProgress: (fraction) => {
        const percent = Math.min(99, Math.floor(fraction * 100));
        if (percent === progress) return;
        progress = percent;
        emit('processing', percent);
      } });
      clearInterval(renew);
      if (await db.transcodeJobs.complete(job.id, workerId, output, new Date(this.#clock()))) {
        const ready = await db.videos.findById(video.id);
        if (ready) await files.keepOnly(ready);
        emit('ready', 100);
      } else {
        await files.removeTagged(video.id, tag); // another worker took over (our lease ran out)
      }
    } catch (error) {
      clearInterval(renew);
      await files.removeTagged(video.id, tag);
      if (lost) return;
      if (this.#closed && abort.signal.aborted) {
        await db.transcodeJobs.release(job.id, workerId).catch(() => false);
        return;
      }
      const message = (error as Error).message;
      const now = this.#clock();
      const retryAt = new Date(now + this.opts.retryMs * 2 ** Math.max(0, job.attempts - 1));
      const outcome = await db.transcodeJobs.fail(job.id, workerId, message, retryAt, new Date(now));
      log.warn({ videoId: video.id, attempt: job.attempts, outcome, error: message }, 'transcode attempt failed');
      if (outcome === 'failed') emit('failed', 0, message);
      else if (outcome === 'retry') emit('queued', 0);
    } finally {
      clearInterval(renew);
      this.#running.delete(job.id);
    }
  }
}
