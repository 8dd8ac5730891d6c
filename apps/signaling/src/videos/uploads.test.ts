// Uploads over tus against a real App: whole, cut off and resumed, refused; with real ffprobe.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, VideoResponse } from '@roomcast/shared';
import { makeClip } from '../testing/clips.js';
import { Client, quickGuest, startTestApp } from '../testing/test-app.js';
import { createUpload, fileReaches, headOffset, patch, patchCutOff, uploadFile } from '../testing/tus.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('video uploads (tus)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let clips: string;
  let clip: Uint8Array;

  beforeAll(async () => {
    // No workers: these tests are about the upload; transcoding has its own.
    app = await startTestApp({ TRANSCODE_WORKERS: '0', VIDEO_MAX_UPLOAD_MB: '2' });
    clips = await mkdtemp(join(tmpdir(), 'roomcast-clips-'));
    clip = await readFile(await makeClip(clips, 'clip', { seconds: 3, width: 320, height: 240 }));
  });
  afterAll(async () => {
    await app?.cleanup();
    if (clips) await rm(clips, { recursive: true, force: true });
  });

  const uploadsLeft = () => readdir(join(app.config.dataDir, 'uploads'));
  const videoFolders = () => readdir(join(app.config.dataDir, 'videos'));

  it('stores a whole upload as a queued video with what ffprobe found', async () => {
    const alice = await quickGuest(app, 'Alice');
    const reply = await uploadFile(alice, clip, { filename: 'holiday.mp4' });
    expect(reply.status).toBe(200);
    const { video } = VideoResponse.parse(JSON.parse(reply.text));
    expect(video).toMatchObject({ title: 'holiday', status: 'queued', width: 320, height: 240, sourceName: 'holiday.mp4', sourceBytes: clip.length });
    expect(video.durationMs).toBeGreaterThan(2500);
    expect(sha(await readFile(join(app.config.dataDir, 'videos', video.id, 'source.mp4')))).toBe(sha(clip));
    expect(await uploadsLeft()).toEqual([]);
    expect((await app.db.transcodeJobs.findByVideo(video.id)).map((j) => j.state)).toEqual(['queued']);
    const listed = await alice.call('GET', '/api/videos');
    expect(listed.json.videos.map((v: { id: string }) => v.id)).toEqual([video.id]);
  });

  it('resumes an upload cut off halfway: HEAD tells the offset, PATCH sends the rest', async () => {
    const bob = await quickGuest(app, 'Bob');
    const created = await createUpload(bob, clip.length, { filename: 'trip.webm', title: 'Our trip' });
    expect(created.status).toBe(201);
    const half = Math.floor(clip.length / 2);
    // The server writes the bytes to disk as they arrive, before the request is over.
    const partial = join(app.config.dataDir, 'uploads', created.location!.split('/').pop()!);
    await patchCutOff(bob, created.location!, 0, clip.subarray(0, half), clip.length, () => fileReaches(partial, half));

    const { status, offset } = await headOffset(bob, created.location!);
    expect(status).toBe(200);
    expect(offset).toBe(half);
    // A stranger cannot see or continue it.
    const mallory = await quickGuest(app, 'Mallory');
    expect((await headOffset(mallory, created.location!)).status).toBe(404);

    const finished = await patch(bob, created.location!, offset, clip.subarray(offset));
    expect(finished.status).toBe(200);
    const { video } = VideoResponse.parse(JSON.parse(finished.text));
    expect(video.title).toBe('Our trip');
    // The container is what ffprobe says, not the name: the bytes are exactly what was sent.
    expect(sha(await readFile(join(app.config.dataDir, 'videos', video.id, 'source.webm')))).toBe(sha(clip));
  });

  it('refuses a non-media file with a clear message and leaves nothing behind', async () => {
    const carol = await quickGuest(app, 'Carol');
    const before = await videoFolders();
    const notVideo = new TextEncoder().encode('this is a shopping list, not a film\n'.repeat(200));
    const reply = await uploadFile(carol, notVideo, { filename: 'list.mp4' });
    expect(reply.status).toBe(422);
    expect(JSON.parse(reply.text).error).toMatchObject({ code: 'unprocessable_media', message: expect.stringMatching(/cannot be used/) });
    // A cut-short video is refused the same way.
    const truncated = await uploadFile(carol, clip.subarray(0, 2000), { filename: 'broken.mp4' });
    expect(truncated.status).toBe(422);
    expect(await uploadsLeft()).toEqual([]);
    expect(await videoFolders()).toEqual(before);
    expect((await carol.call('GET', '/api/videos')).json.videos).toEqual([]);
  });

  it('refuses what it must before storing a byte: no session, wrong type, too large, too many at once', async () => {
    expect((await createUpload(new Client(app.url), 10, { filename: 'a.mp4' })).status).toBe(401);
    const dave = await quickGuest(app, 'Dave');
    const wrongType = await createUpload(dave, 10, { filename: 'song.mp3' });
    expect(wrongType.status).toBe(415);
    expect(JSON.parse(wrongType.text).error.message).toMatch(/mp4, m4v, webm, mkv, mov/);
    expect((await createUpload(dave, 3 * 1024 * 1024, { filename: 'big.mp4' })).status).toBe(413);
    expect((await createUpload(dave, 10, {})).status).toBe(400);
    expect((await createUpload(dave, 10, { filename: `${'x'.repeat(300)}.mp4` })).status).toBe(400);
    expect((await createUpload(dave, 10, { filename: 'a.mp4', title: 'y'.repeat(500) })).status).toBe(400);
    // Someone else's owner field is ignored: the server records who uploads.
    const claimed = await createUpload(dave, 10, { filename: 'mine.mp4', owner: 'someone-else' });
    expect(claimed.status).toBe(201);
    expect((await headOffset(dave, claimed.location!)).status).toBe(200);
    expect((await fetch(new URL(claimed.location!, app.url), { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0', cookie: dave.cookie } })).status).toBe(204);
    for (let i = 0; i < LIMITS.videos.uploadsInFlight; i++) expect((await createUpload(dave, 10, { filename: `v${i}.mp4` })).status).toBe(201);
    const over = await createUpload(dave, 10, { filename: 'one-more.mp4' });
    expect(over.status).toBe(429);
    expect(JSON.parse(over.text).error.code).toBe('limit_exceeded');
  });
});
