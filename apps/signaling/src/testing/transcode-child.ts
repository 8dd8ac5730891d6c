// A transcode worker in its own process, for the crash test: the test kills it mid-job.
// Env: DATABASE_URL, DATA_DIR, LEASE_MS, PRESET. Prints each progress event as a JSON line.
import { pino } from 'pino';
import { openDatabase } from '../db/index.js';
import { EmbeddedTranscodeQueue } from '../videos/embedded-queue.js';
import { VideoFiles } from '../videos/video-files.js';

const db = await openDatabase(process.env.DATABASE_URL!);
const queue = await EmbeddedTranscodeQueue.create({
  db,
  files: new VideoFiles(process.env.DATA_DIR!),
  log: pino({ level: 'silent' }),
  workers: 1,
  leaseMs: Number(process.env.LEASE_MS),
  maxAttempts: 3,
  retryMs: 0,
  preset: process.env.PRESET ?? 'veryfast',
  pollMs: 100,
});
queue.onProgress((event) => process.stdout.write(`${JSON.stringify(event)}\n`));
process.stdout.write('{"started":true}\n');
