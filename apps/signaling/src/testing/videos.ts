import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { shortId } from '../db/ids.js';
import type { Database } from '../db/index.js';
import { VideoFiles } from '../videos/video-files.js';

const run = promisify(execFile);

/**
 * A small H.264/AAC MP4 made by ffmpeg (testsrc with a running clock, 440 Hz sine), +faststart
 * and a key frame every half second so seeks land fast. Made once per process and copied.
 */
export async function testClip(seconds = 30): Promise<string> {
  const file = path.join(tmpdir(), `roomcast-party-clip-${seconds}s.mp4`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.part.mp4`;
  await run('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '12',
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-shortest', partial,
  ]);
  copyFileSync(partial, file);
  return file;
}

/**
 * A ready video owned by `ownerId`: the row with one mp4 rendition, its file in place where
 * the video routes serve it. What the upload and transcode side would have left.
 */
export async function readyVideo(
  app: { db: Database; config: { dataDir: string } },
  ownerId: string,
  opts: { title?: string; seconds?: number } = {},
): Promise<string> {
  const seconds = opts.seconds ?? 30;
  const clip = await testClip(seconds);
  const id = shortId();
  const folder = new VideoFiles(app.config.dataDir).dir(id);
  mkdirSync(folder, { recursive: true });
  copyFileSync(clip, path.join(folder, '180.mp4'));
  const bytes = statSync(clip).size;
  await app.db.videos.create({ id, ownerId, title: opts.title ?? 'Test pattern', sourceName: 'clip.mp4', sourceBytes: bytes, durationMs: seconds * 1000, width: 320, height: 180, hasAudio: true });
  await app.db.videos.finish(id, { renditions: [{ container: 'mp4', width: 320, height: 180, file: '180.mp4', bytes }], poster: null, sprite: null, thumbnails: null });
  return id;
}
