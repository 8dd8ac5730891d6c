// Video folders on disk: orphans (no row) are removed only past a grace period; attempts' files.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoFiles } from './video-files.js';

describe('VideoFiles', () => {
  let root: string;
  let files: VideoFiles;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'roomcast-files-'));
    files = new VideoFiles(root);
    await files.ensure();
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('removes old folders no row names, keeping recorded and fresh ones', async () => {
    const now = Date.now();
    for (const id of ['kept', 'orphan', 'fresh']) await mkdir(files.dir(id));
    const old = new Date(now - 2 * 3_600_000);
    for (const id of ['kept', 'orphan']) await utimes(files.dir(id), old, old);
    const removed = await files.removeOrphans(async (id) => id === 'kept', 3_600_000, now);
    expect(removed).toEqual(['orphan']);
    expect((await readdir(files.videos)).sort()).toEqual(['fresh', 'kept']);
  });

  it('keeps the source, subtitles and committed outputs; removes another attempt’s files', async () => {
    await mkdir(files.dir('v1'));
    for (const name of ['source.mkv', 'sub-a.vtt', '720p-new.mp4', 'poster-new.jpg', '720p-old.mp4', 'poster-old.jpg']) await writeFile(join(files.dir('v1'), name), 'x');
    await files.keepOnly({ id: 'v1', renditions: [{ container: 'mp4', width: 1280, height: 720, file: '720p-new.mp4', bytes: 1 }], poster: 'poster-new.jpg', sprite: null, thumbnails: null, subtitles: [{ id: 'a', lang: 'en', label: 'English', file: 'sub-a.vtt', createdAt: new Date() }] });
    expect((await readdir(files.dir('v1'))).sort()).toEqual(['720p-new.mp4', 'poster-new.jpg', 'source.mkv', 'sub-a.vtt']);
    expect(await files.findSource('v1')).toBe(join(files.dir('v1'), 'source.mkv'));
    expect(() => files.dir('../escape')).toThrow();
  });
});
