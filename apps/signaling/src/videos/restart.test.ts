// A server restarted while a video is processing: the running job is handed back at shutdown
// (its attempt not counted) and the next server, on the same data, finishes it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VideoResponse } from '@roomcast/shared';
import { makeClip } from '../testing/clips.js';
import { quickGuest, startTestApp } from '../testing/test-app.js';
import { uploadFile } from '../testing/tus.js';
import { nextEvent } from '../testing/video-fixtures.js';

const { openDatabase } = await import('../db/index.js');

let dataDir: string;
let clip: Uint8Array;
const apps: Array<Awaited<ReturnType<typeof startTestApp>>> = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roomcast-restart-'));
  clip = await readFile(await makeClip(dataDir, 'clip', { width: 1280, height: 720, seconds: 8, fps: 25 }));
});
afterAll(async () => {
  for (const app of apps) await app.cleanup();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('a restart mid-transcode loses nothing: the job is handed back and finished by the next server', async () => {
  const first = await startTestApp({ DATA_DIR: dataDir, TRANSCODE_PRESET: 'slow' });
  apps.push(first);
  const owner = await quickGuest(first, 'Owner');
  const running = new Promise<void>((resolve) => {
    first.transcodes.onProgress((e) => {
      if (e.status === 'processing' && e.progress > 0) resolve();
    });
  });
  const reply = await uploadFile(owner, clip, { filename: 'clip.mp4' });
  const { video } = VideoResponse.parse(JSON.parse(reply.text));
  await running;
  await first.close();
  // Handed back, not crashed: queued again with no attempt spent, and no lease to wait out.
  const db = await openDatabase(first.config.databaseUrl);
  expect((await db.transcodeJobs.findByVideo(video.id))[0]).toMatchObject({ state: 'queued', attempts: 0, lockedBy: null });
  await db.close();

  const second = await startTestApp({ DATA_DIR: dataDir, TRANSCODE_PRESET: 'ultrafast' });
  apps.push(second);
  const ready = nextEvent(second.transcodes, (e) => e.videoId === video.id && e.status === 'ready');
  if ((await second.db.videos.findById(video.id))?.status !== 'ready') await ready;
  expect(await second.db.videos.findById(video.id)).toMatchObject({ status: 'ready', progress: 100 });
  expect((await second.db.transcodeJobs.findByVideo(video.id))[0]).toMatchObject({ state: 'done', attempts: 1 });
});
