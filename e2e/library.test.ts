import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexDb, scan, startAgent, type RunningAgent } from '@roomcast/desktop-agent';
import { makeLibrary, makeTrack } from '@roomcast/desktop-agent/testing';
import { startAgentProcess } from './harness/agent-process.js';
import { openParticipant, type Participant } from './harness/browser.js';
import { elementPeaks, shareNear } from './harness/element-tone.js';
import { signUp } from './harness/flows.js';
import { createAgentToken, openLibrary, playTrack } from './harness/library-flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

/**
 * My library, end to end: a real desktop agent (in this process) shares a generated library
 * (each track switches pitch at its middle); headless Chromium signed in as its owner lists,
 * searches, plays through the Service Worker bridge — direct, then through the server relay —
 * and hears the right tone before and after a seek to 50 %.
 */
const SECONDS = 12;
const LONG_SECONDS = 120;
let server: RunningRoomcast;
let lib: Awaited<ReturnType<typeof makeLibrary>>;
let work: string;
let index: IndexDb;
let agent: RunningAgent;
let person: Participant;

beforeAll(async () => {
  [server, lib] = await Promise.all([startRoomcast(), makeLibrary(SECONDS)]);
  // Long enough (10.6 MB) that a seek near its end needs bytes the player cannot have yet.
  await makeTrack(path.join(lib.dir, 'Long/Long Tone.wav'), { ...lib.tracks[6]!, title: 'Long Tone', album: 'Long Play', albumArtist: 'Long', artist: 'Long', hz: [500, 1300], cover: null }, LONG_SECONDS);
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-e2e-agent-'));
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  await scan(index, [lib.dir]);
  person = await openParticipant();
  await signUp(person.page, server.url, { email: 'listener@example.org', password: 'long enough password', name: 'Listener' });
  const creds = await createAgentToken(person.page, 'Music PC');
  agent = startAgent({ server: server.url, token: creds.token, index, maxUploadBytes: undefined, log: (l) => process.env.AGENT_LOG && console.error('[agent]', l) });
  await agent.connected;
});
afterAll(async () => {
  agent?.close();
  await person?.close();
  index?.close();
  await server?.stop();
  await lib?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('my library in the browser', () => {
  it('direct: lists, searches, plays a track (its tone), seeks to 50 % (the other tone)', async () => {
    const page = person.page;
    expect(await openLibrary(page, server.url, 'Music PC')).toBe('direct');
    await expect.poll(() => page.getByTestId('library-artists').textContent()).toContain('Ada Tones');
    expect(await page.getByTestId('library-artists').textContent()).toContain('Bob Hertz');

    await page.locator('#library-search').fill('hum');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByTestId('library-tracks').textContent()).toContain('Flac Hum');
    expect(await page.getByTestId('library-tracks').textContent()).toContain('Apple Hum');

    await page.getByRole('button', { name: 'All artists' }).click();
    await page.getByRole('button', { name: 'Ada Tones' }).click();
    await page.getByRole('button', { name: 'Sine Works' }).click();
    await playTrack(page, 'First');
    const first = await elementPeaks(page, '[data-testid="library-audio"]', 16);
    expect(shareNear(first, 440), `first half peaks ${first.join(',')}`).toBeGreaterThan(0.7);

    const seekedAt = await page.evaluate(async () => {
      const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]')!;
      const seeked = new Promise((r) => el.addEventListener('seeked', r, { once: true }));
      el.currentTime = el.duration / 2 + 0.3;
      await seeked;
      return el.currentTime;
    });
    expect(seekedAt).toBeGreaterThan(SECONDS / 2);
    const second = await elementPeaks(page, '[data-testid="library-audio"]', 16);
    expect(shareNear(second, 880), `second half peaks ${second.join(',')}`).toBeGreaterThan(0.7);
    expect(await page.getByTestId('library-rung').textContent()).toBe('Direct (peer-to-peer)');
  });

  it('server relay: the same library plays through signaling, and the page says so', async () => {
    const page = person.page;
    expect(await openLibrary(page, server.url, 'Music PC', { query: '?relay=1' })).toBe('server');
    expect(await page.getByTestId('library-rung').textContent()).toBe('Server relay');
    await expect.poll(() => page.getByTestId('library-artists').textContent()).toContain('Bob Hertz');
    await page.getByRole('button', { name: 'Bob Hertz' }).click();
    await page.getByRole('button', { name: 'Lossless' }).click();
    await playTrack(page, 'Flac Hum');
    const peaks = await elementPeaks(page, '[data-testid="library-audio"]', 12);
    expect(shareNear(peaks, 660), `peaks ${peaks.join(',')}`).toBeGreaterThan(0.7);
  });

  it('the agent is killed mid-track and restarted: playback resumes within 5 s at the right position', async () => {
    const page = person.page;
    const { token } = await createAgentToken(page, 'Restart PC');
    const scratch = await mkdtemp(path.join(tmpdir(), 'roomcast-e2e-restart-'));
    const start = () => startAgentProcess({ server: server.url, token, folders: [lib.dir], configDir: scratch });
    let proc = start();
    try {
      await proc.waitForLine(/^connected to /);
      expect(await openLibrary(page, server.url, 'Restart PC')).toBe('direct');
      await page.getByRole('button', { name: 'Long', exact: true }).click();
      await page.getByRole('button', { name: 'Long Play' }).click();
      await playTrack(page, 'Long Tone');
      await proc.stop('SIGKILL');
      await page.getByTestId('library-link-message').filter({ hasText: 'went offline' }).waitFor();
      // Near the end: bytes the player cannot have buffered yet, so they must come from the restarted agent.
      const target = LONG_SECONDS * 0.9;
      const buffered = await page.evaluate((t) => {
        const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]')!;
        el.currentTime = t;
        return Array.from({ length: el.buffered.length }, (_, i) => [el.buffered.start(i), el.buffered.end(i)]);
      }, target);
      expect(buffered.some(([from, to]) => from! <= target && target < to!), `buffered ${JSON.stringify(buffered)}`).toBe(false);
      const restartedAt = Date.now();
      proc = start();
      await page.waitForFunction((t) => (document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]')?.currentTime ?? 0) > t + 0.3, target, { timeout: 10_000 });
      const resumedMs = Date.now() - restartedAt;
      console.log(`playback resumed ${resumedMs} ms after the agent was restarted`);
      expect(resumedMs).toBeLessThan(5_000);
      const peaks = await elementPeaks(page, '[data-testid="library-audio"]', 12);
      expect(shareNear(peaks, 1300), `peaks ${peaks.join(',')}`).toBeGreaterThan(0.7);
    } finally {
      await proc.stop();
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('player: data saver plays Opus and seeks by time; keyboard shortcuts, shuffle/repeat, Media Session; the app is installable', async () => {
    const page = person.page;
    expect(await openLibrary(page, server.url, 'Music PC')).toBe('direct');
    await page.getByTestId('library-quality').selectOption('64');
    await page.getByRole('button', { name: 'Ada Tones' }).click();
    await page.getByRole('button', { name: 'Sine Works' }).click();
    await playTrack(page, 'First');
    const src = () => page.getByTestId('library-audio').evaluate((el: HTMLAudioElement) => el.currentSrc);
    expect(await src()).toMatch(/\?kbps=64&t=0$/);
    const first = await elementPeaks(page, '[data-testid="library-audio"]', 12);
    expect(shareNear(first, 440), `first half peaks ${first.join(',')}`).toBeGreaterThan(0.7);

    // Seeking is by time: a new stream from 7 s, in the second half's tone.
    await page.getByLabel('Seek').fill('7000');
    await expect.poll(src).toMatch(/\?kbps=64&t=7000$/);
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]');
      return !!el && !el.paused && el.currentTime > 0.3;
    });
    const second = await elementPeaks(page, '[data-testid="library-audio"]', 12);
    expect(shareNear(second, 880), `second half peaks ${second.join(',')}`).toBeGreaterThan(0.7);
    expect(Number(await page.getByTestId('library-position').getAttribute('data-ms'))).toBeGreaterThan(7000);

    // Keyboard, with nothing focused: ← goes back 10 s (to the start, the first tone), Space pauses, N skips.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('ArrowLeft');
    await expect.poll(src).toMatch(/\?kbps=64&t=0$/);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('library-audio').evaluate((el: HTMLAudioElement) => el.paused)).toBe(true);
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('now-playing').textContent()).toContain('Second');
    expect(await page.evaluate(() => navigator.mediaSession.metadata && { title: navigator.mediaSession.metadata.title, album: navigator.mediaSession.metadata.album })).toEqual({ title: 'Second', album: 'Sine Works' });
    await page.keyboard.press('s');
    expect(await page.getByRole('button', { name: 'Shuffle' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('r');
    expect(await page.getByTestId('library-repeat').getAttribute('data-repeat')).toBe('all');
    await page.getByTestId('library-quality').selectOption('0');

    // Installable: the manifest parses with its icons, and Chromium finds nothing missing but the (test) incognito profile.
    const cdp = await page.context().newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; data?: string };
    expect(manifest.errors).toEqual([]);
    expect(JSON.parse(manifest.data!)).toMatchObject({ name: 'Roomcast', display: 'standalone', start_url: '/library' });
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    const icon = await page.evaluate(async () => {
      const res = await fetch('/icons/icon-512.png');
      const bitmap = await createImageBitmap(await res.blob());
      return { type: res.headers.get('content-type'), width: bitmap.width };
    });
    expect(icon).toEqual({ type: 'image/png', width: 512 });
    await cdp.detach();
  });

  it('data saver across an agent restart: a new Opus stream starts from where the element was, not from the top', async () => {
    const page = person.page;
    const { token } = await createAgentToken(page, 'Saver PC');
    const scratch = await mkdtemp(path.join(tmpdir(), 'roomcast-e2e-saver-'));
    // Capped at 3× the stream's rate, so the transcode is still streaming when the agent goes (at
    // full speed the whole track's Opus would be in the element already, and nothing to resume).
    const start = () => startAgentProcess({ server: server.url, token, folders: [lib.dir], configDir: scratch, args: ['--max-upload', '24k'] });
    const src = () => page.getByTestId('library-audio').evaluate((el: HTMLAudioElement) => el.currentSrc);
    const startedAt = async () => Number(/[?&]t=(\d+)/.exec(await src())?.[1] ?? -1);
    let proc = start();
    try {
      await proc.waitForLine(/^connected to /);
      expect(await openLibrary(page, server.url, 'Saver PC')).toBe('direct');
      await page.getByTestId('library-quality').selectOption('64');
      await page.getByRole('button', { name: 'Long', exact: true }).click();
      await page.getByRole('button', { name: 'Long Play' }).click();
      await playTrack(page, 'Long Tone');
      // Into the second half (1300 Hz from 60 s): a stream from the top would be 500 Hz.
      await page.getByLabel('Seek').fill('70000');
      await expect.poll(startedAt).toBe(70_000);
      await page.waitForFunction(() => {
        const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]');
        return !!el && !el.paused && el.currentTime > 0.3;
      });
      await proc.stop('SIGKILL');
      await page.getByTestId('library-link-message').filter({ hasText: 'went offline' }).waitFor();
      const cutAt = Number(await page.getByTestId('library-position').getAttribute('data-ms'));
      expect(cutAt).toBeGreaterThan(70_000);
      proc = start();
      // Without the resume the stream stays cut: the element plays what it had, then stops for good.
      await expect.poll(startedAt, { timeout: 20_000 }).toBeGreaterThan(70_000);
      const resumedFrom = await startedAt();
      expect(resumedFrom).toBeGreaterThanOrEqual(cutAt - 1_000);
      await page.waitForFunction(() => {
        const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]');
        return !!el && !el.paused && el.currentTime > 0.3;
      });
      expect(await page.getByTestId('library-rung').getAttribute('data-rung')).toBeTruthy();
      const peaks = await elementPeaks(page, '[data-testid="library-audio"]', 12);
      expect(shareNear(peaks, 1300), `peaks ${peaks.join(',')}`).toBeGreaterThan(0.7);
      expect(Number(await page.getByTestId('library-position').getAttribute('data-ms'))).toBeGreaterThan(resumedFrom);
    } finally {
      await page.getByTestId('library-quality').selectOption('0').catch(() => undefined);
      await proc.stop();
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

