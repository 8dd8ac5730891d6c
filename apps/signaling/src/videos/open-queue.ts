// Which transcode queue this process uses: BullMQ when REDIS_URL is set, else the embedded one.
import type { Logger } from 'pino';
import type { SignalingConfig } from '../config.js';
import type { Database } from '../db/index.js';
import type { Clock } from '../rooms/clock.js';
import { BullTranscodeQueue, startBullWorker } from './bullmq-queue.js';
import { EmbeddedTranscodeQueue } from './embedded-queue.js';
import type { TranscodeQueue } from './transcode-queue.js';
import type { VideoFiles } from './video-files.js';

type QueueConfig = Pick<SignalingConfig, 'redisUrl' | 'transcodeQueue' | 'transcodeWorkers' | 'transcodeLeaseSeconds' | 'transcodeMaxAttempts' | 'transcodeRetrySeconds' | 'transcodePreset' | 'transcodeWebm'>;

/**
 * With REDIS_URL, TRANSCODE_WORKERS jobs also run in this process (set it to 0 when
 * `roomcast-transcoder` processes do the work elsewhere); close() stops them with the queue.
 */
export async function openTranscodeQueue(config: QueueConfig, deps: { db: Database; files: VideoFiles; log: Logger; clock: Clock }): Promise<TranscodeQueue> {
  const common = { maxAttempts: config.transcodeMaxAttempts, retryMs: config.transcodeRetrySeconds * 1000 };
  if (!config.redisUrl) {
    return EmbeddedTranscodeQueue.create({ ...deps, ...common, workers: config.transcodeWorkers, leaseMs: config.transcodeLeaseSeconds * 1000, preset: config.transcodePreset, webm: config.transcodeWebm });
  }
  const queue = await BullTranscodeQueue.create({ ...common, redisUrl: config.redisUrl, name: config.transcodeQueue, log: deps.log });
  if (config.transcodeWorkers === 0) return queue;
  const worker = await startBullWorker({ ...deps, redisUrl: config.redisUrl, name: config.transcodeQueue, concurrency: config.transcodeWorkers, leaseMs: config.transcodeLeaseSeconds * 1000, preset: config.transcodePreset, webm: config.transcodeWebm }).catch(async (error: unknown) => {
    await queue.close();
    throw error;
  });
  return {
    enqueue: (video) => queue.enqueue(video),
    onProgress: (listener) => queue.onProgress(listener),
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
