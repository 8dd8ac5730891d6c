import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { shortId } from '../db/ids.js';
import type { Database } from '../db/index.js';
import { planSprite, thumbnailsVtt } from '../videos/transcode.js';
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
  /** `player`: also a 90p rendition, an English subtitle and seek-bar previews (sprite + thumbnails.vtt). */
  opts: { title?: string; seconds?: number; player?: boolean } = {},
): Promise<string> {
  const seconds = opts.seconds ?? 30;
  const clip = await testClip(seconds);
  const id = shortId();
  const folder = new VideoFiles(app.config.dataDir).dir(id);
  mkdirSync(folder, { recursive: true });
  copyFileSync(clip, path.join(folder, '180.mp4'));
  const bytes = statSync(clip).size;
  await app.db.videos.create({ id, ownerId, title: opts.title ?? 'Test pattern', sourceName: 'clip.mp4', sourceBytes: bytes, durationMs: seconds * 1000, width: 320, height: 180, hasAudio: true });
  const renditions = [{ container: 'mp4' as const, width: 320, height: 180, file: '180.mp4', bytes }];
  if (!opts.player) {
    await app.db.videos.finish(id, { renditions, poster: null, sprite: null, thumbnails: null });
    return id;
  }
  await run('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-vf', 'scale=160:90', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '12', '-c:a', 'copy', '-movflags', '+faststart', path.join(folder, '90.mp4')]);
  renditions.push({ container: 'mp4', width: 160, height: 90, file: '90.mp4', bytes: statSync(path.join(folder, '90.mp4')).size });
  const plan = planSprite(seconds * 1000, { width: 320, height: 180 });
  await run('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-vf', `fps=1/${plan.interval},scale=${plan.thumbWidth}:${plan.thumbHeight},tile=${plan.cols}x${plan.rows}`, '-frames:v', '1', path.join(folder, 'sprite.jpg')]);
  writeFileSync(path.join(folder, 'thumbnails.vtt'), thumbnailsVtt('sprite.jpg', seconds * 1000, plan));
  await app.db.videos.finish(id, { renditions, poster: null, sprite: 'sprite.jpg', thumbnails: 'thumbnails.vtt' });
  writeFileSync(path.join(folder, 'sub-en.vtt'), 'WEBVTT\n\n00:00:00.000 --> 10:00:00.000\nHello, party\n');
  await app.db.videos.addSubtitle(id, { id: shortId(), lang: 'en', label: 'English', file: 'sub-en.vtt' });
  return id;
}
