// The video store and the party's access check, on SQLite and PostgreSQL.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomcastError } from '@roomcast/shared';
import type { Database } from '../db/types.js';
import { shortId } from '../db/ids.js';
import { testDatabases, type TestDatabase } from '../testing/databases.js';
import { mayWatch, ownersOnly, playableVideo, type NewVideo, type VideoAccess } from './video-store.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

const newVideo = (ownerId: string, extra: Partial<NewVideo> = {}): NewVideo => ({
  id: shortId(),
  ownerId,
  title: 'Clip',
  sourceName: 'clip.mp4',
  sourceBytes: 5_000_000_000, // beyond 32 bits on purpose
  durationMs: 4000,
  width: 1280,
  height: 720,
  hasAudio: true,
  ...extra,
});

describe.each(testDatabases)('video store on $name', ({ create }) => {
  let target: TestDatabase;
  let db: Database;
  let owner: string;
  let other: string;

  beforeAll(async () => {
    target = await create();
    db = await openDatabase(target.url);
    owner = (await db.users.create({ displayName: 'Owner' })).id;
    other = (await db.users.create({ displayName: 'Other' })).id;
  });
  afterAll(async () => {
    await db?.close();
    await target?.drop();
  });

  it('creates, lists newest first, renames and deletes', async () => {
    const a = await db.videos.create(newVideo(owner, { title: 'A' }));
    const b = await db.videos.create(newVideo(owner, { title: 'B' }));
    await db.videos.create(newVideo(other));
    expect(a.status).toBe('queued');
    expect(a.sourceBytes).toBe(5_000_000_000);
    const listed = await db.videos.listByOwner(owner);
    expect(listed.map((v) => v.id)).toEqual([b.id, a.id]);
    expect(await db.videos.countByOwner(owner)).toBe(2);
    expect((await db.videos.rename(a.id, 'A2'))?.title).toBe('A2');
    expect(await db.videos.rename('nope', 'x')).toBeNull();
    expect(await db.videos.delete(a.id)).toBe(true);
    expect(await db.videos.delete(a.id)).toBe(false);
    expect(await db.videos.findById(a.id)).toBeNull();
  });

  it('records progress, then the outputs; a deleted owner takes the videos along', async () => {
    const user = (await db.users.create({ displayName: 'Leaving' })).id;
    const v = await db.videos.create(newVideo(user));
    expect(await db.videos.setProgress(v.id, 'processing', 41.6)).toBe(true);
    expect(await db.videos.findById(v.id)).toMatchObject({ status: 'processing', progress: 42 });
    const renditions = [
      { container: 'mp4' as const, width: 854, height: 480, file: '480.mp4', bytes: 10 },
      { container: 'mp4' as const, width: 1280, height: 720, file: '720.mp4', bytes: 20 },
    ];
    const ready = await db.videos.finish(v.id, { renditions, poster: 'poster.jpg', sprite: 'sprite.jpg', thumbnails: 'thumbnails.vtt' });
    expect(ready).toMatchObject({ status: 'ready', progress: 100, poster: 'poster.jpg' });
    expect(ready?.renditions.map((r) => r.height).sort()).toEqual([480, 720]);
    const sub = await db.videos.addSubtitle(v.id, { id: shortId(), lang: 'en', label: 'English', file: 'sub-en.vtt' });
    expect(sub?.lang).toBe('en');
    expect(await db.videos.addSubtitle('missing', { id: shortId(), lang: 'en', label: 'x', file: 'x.vtt' })).toBeNull();
    expect((await db.videos.findById(v.id))?.subtitles).toHaveLength(1);
    expect((await db.videos.deleteSubtitle(v.id, sub!.id))?.file).toBe('sub-en.vtt');
    await db.users.delete(user);
    expect(await db.videos.findById(v.id)).toBeNull();
  });

  it('plays a ready video to its owner and to whom the party allows, best rendition first', async () => {
    const v = await db.videos.create(newVideo(owner));
    const ownerViewer = { id: owner, role: 'listener' as const };
    const otherViewer = { id: other, role: 'listener' as const };
    await expect(playableVideo(db.videos, ownersOnly, v.id, ownerViewer)).rejects.toMatchObject({ code: 'conflict' });
    await db.videos.finish(v.id, {
      renditions: [
        { container: 'webm', width: 1280, height: 720, file: '720.webm', bytes: 1 },
        { container: 'mp4', width: 854, height: 480, file: '480.mp4', bytes: 1 },
        { container: 'mp4', width: 1280, height: 720, file: '720.mp4', bytes: 1 },
      ],
      poster: 'poster.jpg',
      sprite: null,
      thumbnails: null,
    });
    const playable = await playableVideo(db.videos, ownersOnly, v.id, ownerViewer);
    expect(playable.renditions.map((r) => `${r.container}${r.height}`)).toEqual(['mp4720', 'mp4480', 'webm720']);
    expect(playable.renditions[0]!.url).toBe(`/api/videos/${v.id}/files/720.mp4`);
    expect(playable.posterUrl).toBe(`/api/videos/${v.id}/files/poster.jpg`);

    const refused = await playableVideo(db.videos, ownersOnly, v.id, otherViewer).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RoomcastError);
    expect((refused as RoomcastError).code).toBe('not_found');
    expect(await mayWatch(db.videos, ownersOnly, v.id, otherViewer)).toBe(false);
    expect(await mayWatch(db.videos, ownersOnly, v.id, { id: other, role: 'admin' })).toBe(true);

    const party: VideoAccess = { partyAllows: async (userId, videoId) => userId === other && videoId === v.id };
    expect(await mayWatch(db.videos, party, v.id, otherViewer)).toBe(true);
    expect((await playableVideo(db.videos, party, v.id, otherViewer)).id).toBe(v.id);
    await expect(playableVideo(db.videos, party, 'missing', otherViewer)).rejects.toMatchObject({ code: 'not_found' });
  });
});
