#!/usr/bin/env node
// roomcast-transcoder: runs transcode jobs from Redis (BullMQ) for one or many signaling
// servers. Needs the same DATABASE_URL and DATA_DIR (shared storage) as signaling, and REDIS_URL.
import { pino } from 'pino';
import { configOrExit } from './config.js';
import { openDatabase, redactUrl } from './db/index.js';
import { startBullWorker } from './videos/bullmq-queue.js';
import { VideoFiles } from './videos/video-files.js';

const config = configOrExit();
if (!config.redisUrl) {
  console.error('roomcast-transcoder needs REDIS_URL (the Redis the signaling servers queue jobs on)');
  process.exit(1);
}
const log = pino({ level: config.logLevel });
const db = await openDatabase(config.databaseUrl, log, { poolSize: 2 });
const files = new VideoFiles(config.dataDir);
await files.ensure();
const worker = await startBullWorker({
  redisUrl: config.redisUrl,
  name: config.transcodeQueue,
  db,
  files,
  log,
  concurrency: Math.max(1, config.transcodeWorkers),
  leaseMs: config.transcodeLeaseSeconds * 1000,
  preset: config.transcodePreset,
  webm: config.transcodeWebm,
});
log.info({ database: redactUrl(config.databaseUrl), dataDir: config.dataDir, concurrency: Math.max(1, config.transcodeWorkers) }, 'transcoder is up');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  log.info({ signal }, 'transcoder stopping: unfinished jobs go back to the queue');
  worker.close().then(() => db.close()).then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
