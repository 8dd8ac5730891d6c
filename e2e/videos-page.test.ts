import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import { signUp } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

/**
 * "My videos" in a real browser against the real server: a file picked in the page goes up over
 * tus with a progress bar, is transcoded with its progress pushed live, and shows its poster;
 * a file that is not a video is refused with the server's words; rename and delete work.
 */
let server: RunningRoomcast;
let person: Participant;
let clips: string;

beforeAll(async () => {
  clips = mkdtempSync(path.join(tmpdir(), 'roomcast-e2e-clips-'));
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=15:duration=4',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(clips, 'beach.mp4'),
  ]);
  writeFileSync(path.join(clips, 'notes.mp4'), 'not a film at all\n'.repeat(100));
  server = await startRoomcast({ env: { TRANSCODE_PRESET: 'ultrafast' } });
  person = await openParticipant();
});
afterAll(async () => {
  await person?.close();
  await server?.stop();
  if (clips) rmSync(clips, { recursive: true, force: true });
});

describe('My videos page', () => {
  it('uploads with a progress bar, shows processing live, then the ready video with its poster', async () => {
    const { page } = person;
    await signUp(page, server.url, { email: 'viewer@example.org', password: 'popcorn and a film', name: 'Viewer' });
    await page.getByRole('link', { name: 'My videos' }).click();
    await page.getByTestId('videos-empty').waitFor();
    // Record every progress bar that appears, however briefly (a small clip is quick).
    await page.evaluate(() => {
      const seen = ((window as unknown as { seen: Set<string> }).seen = new Set<string>());
      new MutationObserver(() => {
        for (const id of ['upload-progress', 'video-progress']) if (document.querySelector(`[data-testid="${id}"]`)) seen.add(id);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId('video-file').setInputFiles(path.join(clips, 'beach.mp4'));
    const item = page.locator('[data-testid="video-item"][data-status="ready"]');
    await item.waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen].sort())).toEqual(['upload-progress', 'video-progress']);
    await expect(item.getByTestId('video-title').textContent()).resolves.toBe('beach');
    await page.waitForFunction(() => (document.querySelector('.video-item img') as HTMLImageElement | null)?.naturalWidth === 640);
    expect(await item.getByRole('link', { name: 'Start a watch party' }).getAttribute('href')).toMatch(/^\/party\/new\?video=/);
  });

  it('the browser plays the rendition (range requests from a real <video>) and seeks into it', async () => {
    const { page } = person;
    const id = await page.getByTestId('video-item').getAttribute('data-video-id');
    const played = await page.evaluate(async (videoId) => {
      const { video } = await (await fetch(`/api/videos/${videoId}/playable`)).json();
      const el = document.createElement('video');
      el.muted = true;
      el.src = video.renditions[0].url;
      document.body.append(el);
      await el.play();
      await new Promise<void>((resolve) => el.addEventListener('timeupdate', function check() {
        if (el.currentTime > 0.5) (el.removeEventListener('timeupdate', check), resolve());
      }));
      el.currentTime = 3;
      await new Promise((resolve) => el.addEventListener('seeked', resolve, { once: true }));
      const result = { width: el.videoWidth, height: el.videoHeight, at: el.currentTime, duration: el.duration };
      el.remove();
      return result;
    }, id);
    expect(played).toMatchObject({ width: 640, height: 360 });
    expect(played.at).toBeGreaterThanOrEqual(3);
    expect(played.duration).toBeCloseTo(4, 0);
  });

  it('refuses a file that is not a video with the server’s reason', async () => {
    const { page } = person;
    await page.getByTestId('video-file').setInputFiles(path.join(clips, 'notes.mp4'));
    await expect(page.getByTestId('upload-error').textContent()).resolves.toMatch(/cannot be used/);
    expect(await page.getByTestId('video-item').count()).toBe(1);
  });

  it('a connection dropped mid-upload resumes from where the server’s copy ends', async () => {
    const { page } = person;
    const file = path.join(clips, 'long.mp4');
    // ~24 MB (noise does not compress): three 8 MiB PATCHes.
    execFileSync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=15:duration=6',
      '-vf', 'noise=alls=80:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-pix_fmt', 'yuv420p', file,
    ]);
    const size = statSync(file).size;
    const chunk = 8 * 1024 * 1024;
    expect(size).toBeGreaterThan(2 * chunk);
    const offsets: number[] = [];
    let dropped = false;
    // The second chunk's connection drops; everything else goes through.
    await page.route('**/api/uploads/*', async (route) => {
      const request = route.request();
      if (request.method() === 'PATCH') {
        const offset = Number(request.headers()['upload-offset']);
        offsets.push(offset);
        if (offset === chunk && !dropped) {
          dropped = true;
          return route.abort('connectionreset');
        }
      }
      return route.continue();
    });
    await page.getByTestId('video-file').setInputFiles(file);
    await page.locator('[data-testid="video-item"][data-status="ready"]').nth(1).waitFor({ timeout: 60_000 });
    await page.unroute('**/api/uploads/*');
    // After the drop the client asked where the server was and went on from there, not from 0.
    expect(dropped).toBe(true);
    expect(offsets).toEqual([0, chunk, chunk, 2 * chunk]);
    const { videos } = await (await page.request.get(`${server.url}/api/videos`)).json();
    expect(videos.find((v: { title: string }) => v.title === 'long')).toMatchObject({ sourceBytes: size, status: 'ready' });
  });

  it('renames and deletes', async () => {
    const { page } = person;
    const id = await page.locator('[data-testid="video-item"]', { hasText: 'beach' }).getAttribute('data-video-id');
    const item = page.locator(`[data-testid="video-item"][data-video-id="${id}"]`);
    await item.getByRole('button', { name: 'Rename' }).click();
    await item.getByTestId('video-title-input').fill('Beach day');
    await item.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction((videoId) => document.querySelector(`[data-video-id="${videoId}"] [data-testid="video-title"]`)?.textContent === 'Beach day', id);
    page.once('dialog', (dialog) => void dialog.accept());
    await item.getByTestId('video-delete').click();
    await item.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('[data-testid="video-item"]').first().waitFor();
    expect(await page.getByTestId('video-title').allTextContents()).toEqual(['long']);
  });
});
