// The embedded transcode queue's persistence: jobs in the database, claimed with a lease.
//
// Exactly-once: a worker claims a job by compare-and-set (only one claim wins), renews its lease
// while ffmpeg runs, and commits the job `done` together with the video's outputs in one
// transaction that first checks it still holds the lease. A worker that died (or stalled past
// its lease) loses the job to the next claim and its late commit is refused.
import type { TranscodeOutput } from './video-store.js';

export type TranscodeJobState = 'queued' | 'running' | 'done' | 'failed';

export interface TranscodeJob {
  id: string;
  videoId: string;
  state: TranscodeJobState;
  /** Attempts started so far, this one included once claimed. */
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: Date | null;
  runAfter: Date;
  progress: number;
  error: string | null;
}

/** What a failed attempt led to; `lost` when the worker no longer held the job. */
export type FailOutcome = 'retry' | 'failed' | 'lost';

export interface TranscodeJobStore {
  /** Queues a job for the video (runnable now). */
  add(videoId: string, maxAttempts: number): Promise<TranscodeJob>;
  /**
   * Claims the oldest runnable job for `workerId` until `now + leaseMs`: a queued job that is
   * due, or a running one whose lease ran out (its worker died). A job whose dead worker used its
   * last attempt ends failed instead. @returns null when nothing is runnable.
   */
  claim(workerId: string, leaseMs: number, now: Date): Promise<TranscodeJob | null>;
  /** Extends the lease and records progress (0..100), also on the video. @returns false when the job was lost. */
  renew(jobId: string, workerId: string, until: Date, progress: number): Promise<boolean>;
  /** Marks the job done and the video ready with `output`, atomically, if the worker still holds it. */
  complete(jobId: string, workerId: string, output: TranscodeOutput, now: Date): Promise<boolean>;
  /**
   * Records a failed attempt: queued again from `retryAt`, or, out of attempts, failed (the video
   * too) with `error`.
   */
  fail(jobId: string, workerId: string, error: string, retryAt: Date, now: Date): Promise<FailOutcome>;
  /** Hands a job back unfinished (the worker is shutting down): queued again, the attempt not counted. */
  release(jobId: string, workerId: string): Promise<boolean>;
  findByVideo(videoId: string): Promise<TranscodeJob[]>;
}
