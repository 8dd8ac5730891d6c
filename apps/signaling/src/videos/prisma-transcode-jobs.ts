// TranscodeJobStore on Prisma (both providers). Every state change is a conditional update on
// what the caller last saw, so two workers (or two processes) never both win a job.
import type { PrismaClient, TranscodeJob as JobRow } from '../generated/sqlite/client.js';
import { InvalidValueError } from '../db/errors.js';
import { writeFinish } from './prisma-video-store.js';
import type { FailOutcome, TranscodeJob, TranscodeJobState, TranscodeJobStore } from './transcode-jobs.js';
import type { TranscodeOutput } from './video-store.js';

const STATES: readonly TranscodeJobState[] = ['queued', 'running', 'done', 'failed'];

function toJob(row: JobRow): TranscodeJob {
  if (!STATES.includes(row.state as TranscodeJobState)) throw new InvalidValueError('transcode job state', row.state, STATES.join(' | '));
  return {
    id: row.id,
    videoId: row.videoId,
    state: row.state as TranscodeJobState,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    lockedBy: row.lockedBy,
    lockedUntil: row.lockedUntil,
    runAfter: row.runAfter,
    progress: row.progress,
    error: row.error,
  };
}

/** How many candidates one claim looks at before giving up to the next poll. */
const CLAIM_CANDIDATES = 5;

export class PrismaTranscodeJobStore implements TranscodeJobStore {
  constructor(private readonly prisma: PrismaClient) {}

  async add(videoId: string, maxAttempts: number): Promise<TranscodeJob> {
    return toJob(await this.prisma.transcodeJob.create({ data: { videoId, maxAttempts, state: 'queued' } }));
  }

  async claim(workerId: string, leaseMs: number, now: Date): Promise<TranscodeJob | null> {
    const candidates = await this.prisma.transcodeJob.findMany({
      where: { OR: [{ state: 'queued', runAfter: { lte: now } }, { state: 'running', lockedUntil: { lt: now } }] },
      orderBy: [{ runAfter: 'asc' }, { createdAt: 'asc' }],
      take: CLAIM_CANDIDATES,
    });
    for (const seen of candidates) {
      // Compare-and-set on exactly what we read: a concurrent claim changes attempts or lockedBy.
      const unchanged = { id: seen.id, state: seen.state, attempts: seen.attempts, lockedBy: seen.lockedBy };
      if (seen.attempts >= seen.maxAttempts) {
        // Only a running job with an expired lease gets here: its worker died on the last attempt.
        const error = `the worker processing this video stopped (attempt ${seen.attempts} of ${seen.maxAttempts})`;
        await this.prisma.$transaction(async (tx) => {
          const { count } = await tx.transcodeJob.updateMany({ where: unchanged, data: { state: 'failed', lockedBy: null, lockedUntil: null, error, finishedAt: now } });
          if (count) await tx.video.updateMany({ where: { id: seen.videoId }, data: { status: 'failed', error } });
        });
        continue;
      }
      const { count } = await this.prisma.transcodeJob.updateMany({
        where: unchanged,
        data: { state: 'running', attempts: seen.attempts + 1, lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs), progress: 0 },
      });
      if (count) return toJob((await this.prisma.transcodeJob.findUniqueOrThrow({ where: { id: seen.id } })));
    }
    return null;
  }

  async renew(jobId: string, workerId: string, until: Date, progress: number): Promise<boolean> {
    const percent = Math.max(0, Math.min(99, Math.round(progress)));
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.transcodeJob.updateMany({ where: { id: jobId, state: 'running', lockedBy: workerId }, data: { lockedUntil: until, progress: percent } });
      if (!count) return false;
      const job = await tx.transcodeJob.findUniqueOrThrow({ where: { id: jobId } });
      await tx.video.updateMany({ where: { id: job.videoId }, data: { status: 'processing', progress: percent } });
      return true;
    });
  }

  async complete(jobId: string, workerId: string, output: TranscodeOutput, now: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.transcodeJob.updateMany({
        where: { id: jobId, state: 'running', lockedBy: workerId },
        data: { state: 'done', progress: 100, lockedBy: null, lockedUntil: null, error: null, finishedAt: now },
      });
      if (!count) return false;
      const job = await tx.transcodeJob.findUniqueOrThrow({ where: { id: jobId } });
      await writeFinish(tx, job.videoId, output);
      return true;
    });
  }

  async fail(jobId: string, workerId: string, error: string, retryAt: Date, now: Date): Promise<FailOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const job = await tx.transcodeJob.findFirst({ where: { id: jobId, state: 'running', lockedBy: workerId } });
      if (!job) return 'lost';
      const final = job.attempts >= job.maxAttempts;
      const { count } = await tx.transcodeJob.updateMany({
        where: { id: jobId, state: 'running', lockedBy: workerId, attempts: job.attempts },
        data: final
          ? { state: 'failed', lockedBy: null, lockedUntil: null, error, finishedAt: now }
          : { state: 'queued', lockedBy: null, lockedUntil: null, error, runAfter: retryAt },
      });
      if (!count) return 'lost';
      // The owner sees the same state as the event said: failed for good, or waiting to retry.
      await tx.video.updateMany({ where: { id: job.videoId }, data: final ? { status: 'failed', error } : { status: 'queued', progress: 0 } });
      return final ? 'failed' : 'retry';
    });
  }

  async release(jobId: string, workerId: string): Promise<boolean> {
    const { count } = await this.prisma.transcodeJob.updateMany({
      where: { id: jobId, state: 'running', lockedBy: workerId },
      data: { state: 'queued', attempts: { decrement: 1 }, lockedBy: null, lockedUntil: null },
    });
    return count > 0;
  }

  async findByVideo(videoId: string): Promise<TranscodeJob[]> {
    const rows = await this.prisma.transcodeJob.findMany({ where: { videoId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toJob);
  }
}
