// Upload → transcode → play, end to end on a real App: progress pushed over socket.io, files
// served with range semantics to the owner and party members only, My videos routes.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayableResponse, SubtitleResponse, VideoListResponse, VideoProgressEvent, VideoResponse, type VideoView } from '@roomcast/shared';
import { makeClip } from '../testing/clips.js';
import { Client, quickGuest, startTestApp } from '../testing/test-app.js';
import { uploadFile } from '../testing/tus.js';

describe('videos over HTTP', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let clips: string;
  let owner: Client;
  let stranger: Client;
  let partyGuest: Client;
  let partyGuestId: string;
  let video: VideoView;
  const progress: VideoProgressEvent[] = [];

  // node:http, not fetch: fetch adds `Cache-Control: no-cache` to conditional requests, as a
  // browser's reload would, and the server rightly answers those in full.
  const get = (client: Client, url: string, headers: Record<string, string> = {}) =>
    new Promise<Response>((resolve, reject) => {
      http.get(app.url + url, { headers: { ...headers, cookie: client.cookie } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v);
          resolve(new Response(res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode!, headers: out }));
        });
      }).on('error', reject);
    });

  beforeAll(async () => {
    app = await startTestApp({ TRANSCODE_PRESET: 'ultrafast' }, {
      // The party side decides who else may watch; here, one named guest.
      videoAccess: { partyAllows: async (userId) => userId === partyGuestId },
    });
    clips = await mkdtemp(join(tmpdir(), 'roomcast-clips-'));
    owner = await quickGuest(app, 'Owner');
    stranger = await quickGuest(app, 'Stranger');
    partyGuest = await quickGuest(app, 'Party guest');
    partyGuestId = (await partyGuest.call('GET', '/api/auth/me')).json.user.id;

    // The uploader's page listens on its socket while the upload finishes and the queue runs.
    const socket = await owner.socket();
    const ready = new Promise<void>((resolve) => {
      socket.on('video:progress', (event) => {
        progress.push(VideoProgressEvent.parse(event));
        if (event.status === 'ready' || event.status === 'failed') resolve();
      });
    });
    const reply = await uploadFile(owner, await readFile(await makeClip(clips, 'clip', { width: 854, height: 480, seconds: 3 })), { filename: 'clip.mp4' });
    expect(reply.status).toBe(200);
    video = VideoResponse.parse(JSON.parse(reply.text)).video;
    await ready;
    socket.close();
  });
  afterAll(async () => {
    await app?.cleanup();
    if (clips) await rm(clips, { recursive: true, force: true });
  });

  it('pushes progress to the uploader until ready', () => {
    expect(progress.at(-1)).toMatchObject({ videoId: video.id, status: 'ready', progress: 100, error: null });
    const percents = progress.filter((e) => e.status === 'processing').map((e) => e.progress);
    expect(percents.length).toBeGreaterThan(0);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('serves renditions with range semantics: 200, 206, 416, 304', async () => {
    const { video: playable } = PlayableResponse.parse(await (await get(owner, `/api/videos/${video.id}/playable`)).json());
    expect(playable.renditions.map((r) => r.height)).toEqual([480]);
    const url = playable.renditions[0]!.url;
    const whole = await get(owner, url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('cache-control')).toBe('private, max-age=3600');
    const bytes = new Uint8Array(await whole.arrayBuffer());
    const size = bytes.length;
    expect(size).toBe(playable.renditions[0]!.bytes);
    const etag = whole.headers.get('etag')!;
    const lastModified = whole.headers.get('last-modified')!;
    expect(etag).toBeTruthy();
    expect(lastModified).toBeTruthy();

    const part = await get(owner, url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(bytes.subarray(100, 200)))).toBe(true);
    const tail = await get(owner, url, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);

    const beyond = await get(owner, url, { range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);

    expect((await get(owner, url, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(owner, url, { 'if-modified-since': lastModified })).status).toBe(304);
    // A stale If-Range validator gets the whole file, not a mismatched piece.
    const stale = await get(owner, url, { range: 'bytes=0-9', 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect(createHash('sha256').update(new Uint8Array(await stale.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));

    // Poster, sprite and its cue file are served too; the source never is.
    for (const file of [playable.posterUrl!, playable.thumbnailsUrl!]) expect((await get(owner, file)).status).toBe(200);
    expect((await get(owner, playable.thumbnailsUrl!)).headers.get('content-type')).toMatch(/^text\/vtt/);
    expect((await get(owner, `/api/videos/${video.id}/files/source.mp4`)).status).toBe(404);
    expect((await get(owner, `/api/videos/${video.id}/files/..%2F..%2Froomcast.db`)).status).toBe(404);
  });

  it('refuses another person’s video, and lets a party member watch', async () => {
    const url = `/api/videos/${video.id}/files/${(await app.db.videos.findById(video.id))!.renditions[0]!.file}`;
    expect((await get(stranger, url)).status).toBe(404);
    expect((await get(stranger, `/api/videos/${video.id}/playable`)).status).toBe(404);
    expect((await stranger.call('GET', `/api/videos/${video.id}`)).status).toBe(404);
    expect((await stranger.call('PATCH', `/api/videos/${video.id}`, { title: 'mine now' })).status).toBe(404);
    expect((await stranger.call('DELETE', `/api/videos/${video.id}`)).status).toBe(404);
    expect((await fetch(app.url + url)).status).toBe(401);

    expect((await get(partyGuest, url, { range: 'bytes=0-99' })).status).toBe(206);
    expect((await get(partyGuest, `/api/videos/${video.id}/playable`)).status).toBe(200);
    // Watching is not owning.
    expect((await partyGuest.call('DELETE', `/api/videos/${video.id}`)).status).toBe(404);
  });

  it('subtitles: .srt converted to WebVTT, served with the video; junk refused; owner only', async () => {
    const srt = '1\r\n00:00:00,500 --> 00:00:02,000\r\n<b>Hello</b> there\r\n\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\nBye\r\n';
    const post = (client: Client, body: string, type = 'application/x-subrip', query = 'lang=en&label=English') =>
      fetch(`${app.url}/api/videos/${video.id}/subtitles?${query}`, { method: 'POST', headers: { 'content-type': type, cookie: client.cookie }, body });
    const created = await post(owner, srt);
    expect(created.status).toBe(201);
    const { subtitle } = SubtitleResponse.parse(await created.json());
    expect(subtitle).toMatchObject({ lang: 'en', label: 'English' });
    const vtt = await get(owner, subtitle.url);
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    const text = await vtt.text();
    expect(text).toMatch(/^WEBVTT/);
    expect(text).toContain('00:00.500 --> 00:02.000');
    expect(text).toContain('Bye');
    const { video: playable } = PlayableResponse.parse(await (await get(partyGuest, `/api/videos/${video.id}/playable`)).json());
    expect(playable.subtitles).toEqual([subtitle]);
    expect((await get(partyGuest, subtitle.url)).status).toBe(200);

    const vttUpload = await post(owner, 'WEBVTT\n\n00:01.000 --> 00:02.000\nBonjour\n', 'text/vtt', 'lang=fr&label=Fran%C3%A7ais');
    expect(vttUpload.status).toBe(201);
    expect((await post(owner, 'just some words, no cues at all')).status).toBe(422);
    expect((await post(owner, srt, 'application/x-subrip', 'lang=english!&label=x')).status).toBe(400);
    expect((await post(owner, srt, 'application/octet-stream')).status).toBe(415);
    expect((await post(stranger, srt)).status).toBe(404);
    expect((await post(partyGuest, srt)).status).toBe(404);

    const removed = await fetch(`${app.url}/api/videos/${video.id}/subtitles/${subtitle.id}`, { method: 'DELETE', headers: { cookie: owner.cookie } });
    expect(removed.status).toBe(204);
    expect((await get(owner, subtitle.url)).status).toBe(404);
    const folder = await readdir(join(app.config.dataDir, 'videos', video.id));
    expect(folder.filter((f) => f.startsWith('sub-'))).toHaveLength(1); // the French one
  });

  it('My videos: list with state, rename, delete removes the files', async () => {
    const list = VideoListResponse.parse((await owner.call('GET', '/api/videos')).json);
    expect(list.videos).toEqual([expect.objectContaining({ id: video.id, status: 'ready', progress: 100, title: 'clip' })]);
    const renamed = await owner.call('PATCH', `/api/videos/${video.id}`, { title: '  Holiday  ' });
    expect(renamed.status).toBe(200);
    expect(VideoResponse.parse(renamed.json).video.title).toBe('Holiday');
    expect((await owner.call('PATCH', `/api/videos/${video.id}`, { title: '' })).status).toBe(400);
    expect((await owner.call('PATCH', `/api/videos/${video.id}`, { title: 'x'.repeat(121) })).status).toBe(400);

    expect((await owner.call('DELETE', `/api/videos/${video.id}`)).status).toBe(204);
    expect(await readdir(join(app.config.dataDir, 'videos'))).toEqual([]);
    expect((await owner.call('GET', '/api/videos')).json.videos).toEqual([]);
    expect((await owner.call('DELETE', `/api/videos/${video.id}`)).status).toBe(404);
    expect(await app.db.transcodeJobs.findByVideo(video.id)).toEqual([]);
  });
});
