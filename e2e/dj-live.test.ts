import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureArchive } from './harness/archive-audio.js';
import { openParticipant, type Participant } from './harness/browser.js';
import { createChannel, openListener, pageFetch, pickTabProgram, signUpAdmin, signUpBroadcaster } from './harness/dj-flows.js';
import { createRoom, signUp, waitConnected, waitRemoteAudioCount } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { watchTones, type ToneWatch } from './harness/tone-watch.js';
import { inboundAudio } from './harness/webrtc-stats.js';

/**
 * Live DJ through the real SFU: a broadcaster's tab plays 660 Hz and goes live with tab
 * capture; three listener pages, open before the broadcast, switch to LIVE by a push (no
 * reload), hear the tone as stereo Opus, and chat and like. A signed-in follower waiting in a
 * voice room is told "live now" by a push, and unfollows from the channel page. The listeners share one browser
 * (a context each: separate guests); the studio has its own, launched for real tab capture.
 */
const HANDLE = 'night-shift';
const BITRATE_KBPS = 128;
let server: RunningRoomcast;
let adminCookie: string;
let studio: Participant;
let audience: Participant;
const listeners: Page[] = [];
/** A signed-in account that follows the channel and waits in a voice room of its own. */
let follower: Page;
const watches: ToneWatch[] = [];

beforeAll(async () => {
  // Two workers, two listeners per router: the third listener is served from an edge router on
  // the other worker, fed by pipeToRouter.
  server = await startRoomcast({ env: { DJ_BITRATE_KBPS: String(BITRATE_KBPS), SFU_WORKERS: '2', SFU_ROUTER_LISTENER_LIMIT: '2' } });
  // The studio's microphone (for talk-over) is Chromium's fake device playing 880 Hz.
  [studio, audience] = await Promise.all([openParticipant({ tabCapture: true, toneHz: 880 }), openParticipant()]);
  await studio.context.grantPermissions(['microphone'], { origin: server.url });
});
afterAll(async () => {
  await Promise.all(watches.map((w) => w.stop()));
  await Promise.all([studio?.close(), audience?.close()]);
  await server?.stop();
});

const studioFetch = (method: string, route: string, body?: unknown) => pageFetch(studio.page, method, route, body);

const liveStatus = (page: Page) => page.getByTestId('dj-live-status').getAttribute('data-live');

describe('live DJ', () => {
  it('the studio makes a channel; listeners open it before the broadcast and wait, offline', async () => {
    adminCookie = await signUpAdmin(server.url);
    await signUpBroadcaster(studio.page, server.url, adminCookie, { email: 'dj@example.org', password: 'a long dj password', name: 'DJ Ada' });
    await createChannel(studio.page, server.url, HANDLE, 'Night shift');
    const start = new Date((Math.ceil(Date.now() / 3_600_000) + 24) * 3_600_000);
    const scheduled = await studioFetch('POST', `/api/channels/${HANDLE}/schedule`, {
      title: 'Sunday session',
      start: start.toISOString(),
      end: new Date(start.getTime() + 7_200_000).toISOString(),
    });
    expect(scheduled.status).toBe(201);

    // A follower follows from the channel page, then waits elsewhere: in a voice room (the app
    // holds its socket, which the "live now" push rides, while a page is in a room).
    follower = await (await audience.browser.newContext()).newPage();
    await signUp(follower, server.url, { email: 'fan@example.org', password: 'never miss a set', name: 'Fan' });
    await follower.goto(`${server.url}/c/${HANDLE}`);
    await follower.locator('[data-testid="dj-follow"][data-following="false"]').click();
    await follower.locator('[data-testid="dj-follow"][data-following="true"]').waitFor();
    expect((await pageFetch(follower, 'GET', `/api/channels/${HANDLE}/follow`)).json).toEqual({ following: true, email: false });
    await follower.goto(`${server.url}/`);
    await createRoom(follower, 'Waiting for the mix');
    await waitConnected(follower);

    for (let i = 0; i < 3; i++) {
      const page = await openListener(audience.browser, server.url, HANDLE, `Listener ${i + 1}`);
      await page.waitForSelector('[data-testid="dj-live-status"][data-live="false"]');
      listeners.push(page);
    }
    // The schedule is on the channel page, with a calendar file to add it.
    await listeners[0]!.getByTestId('dj-upcoming-item').filter({ hasText: 'Sunday session' }).waitFor();
    const ics = await listeners[0]!.evaluate(async () => {
      const href = document.querySelector<HTMLAnchorElement>('[data-testid="dj-ics"]')!.href;
      return (await fetch(href)).text();
    });
    expect(ics).toMatch(/BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT[\s\S]*SUMMARY:Sunday session/);
    await studio.page.waitForFunction(() => document.querySelector('[data-testid="dj-listeners"]')?.textContent === '3');
  });

  it('goes live with the tab audio; every listener switches to LIVE by itself and hears 660 Hz as stereo Opus, the third from a piped router on the other worker', async () => {
    // The meter reads the captured tab: the program is really there before going live.
    await pickTabProgram(studio.page);
    await studio.page.getByTestId('dj-title').fill('Friday mix');
    await studio.page.getByTestId('dj-go-live').click();
    await studio.page.waitForSelector('[data-testid="dj-live-status"][data-live="true"]');

    // The follower, in its voice room, is told by a push.
    const liveNow = follower.getByTestId('dj-live-now');
    await liveNow.filter({ hasText: 'Friday mix' }).waitFor({ timeout: 10_000 });
    expect(await liveNow.getAttribute('data-handle')).toBe(HANDLE);
    for (const page of listeners) {
      await page.waitForSelector('[data-testid="dj-live-status"][data-live="true"]', { timeout: 10_000 });
      expect(await page.getByTestId('dj-broadcast-title').textContent()).toBe('Friday mix');
      await waitRemoteAudioCount(page, 1);
      const watch = await watchTones(page, [660]);
      watches.push(watch);
      await watch.waitFor(660, true, { timeoutMs: 15_000, frames: 5 });
    }
    // Past the per-router limit the third listener is served by the other worker, and hears it too.
    const stats = await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: adminCookie } }).then((r) => r.json());
    const consumers = (stats.sfu.workers as { consumers: number }[]).map((w) => w.consumers);
    expect(consumers.sort()).toEqual([1, 2]);
    const received = await inboundAudio(listeners[0]!);
    expect(received.mimeType).toBe('audio/opus');
    expect(received.channels).toBe(2);
    expect(received.sdpFmtpLine).toContain('stereo=1');
    console.log(`[dj] listener inbound: ${received.sdpFmtpLine}, ${received.kbps.toFixed(1)} kbit/s`);
    expect(received.kbps).toBeGreaterThan(BITRATE_KBPS * 0.6);
    expect(received.kbps).toBeLessThan(BITRATE_KBPS * 1.4);
  });

  it('chat from a listener reaches the studio and the others; a deleted message disappears everywhere; a banned listener is refused', async () => {
    const [ana, ben, cy] = listeners as [Page, Page, Page];
    await ana.getByTestId('dj-chat-input').fill('<img src=x onerror="window.__pwned=1"> hello');
    await ana.getByTestId('dj-chat-send').click();
    const line = '[data-testid="dj-chat-message"]';
    for (const page of [studio.page, ben, cy]) {
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('hello'), line);
    }
    // Rendered inert: the markup is text, nothing ran, no element was made from it.
    expect(await ben.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await ben.locator(`${line} img`).count()).toBe(0);

    await studio.page.getByTestId('dj-chat-delete').first().click();
    for (const page of [studio.page, ana, ben, cy]) {
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, line);
    }

    await ben.getByTestId('dj-chat-input').fill('second');
    await ben.getByTestId('dj-chat-send').click();
    await studio.page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('second'), line);
    await studio.page.getByTestId('dj-chat-ban').first().click();
    await studio.page.waitForFunction(() => document.querySelector('[data-testid="dj-chat-status"]')?.textContent?.includes('barred'));
    await ben.getByTestId('dj-chat-input').fill('let me back');
    await ben.getByTestId('dj-chat-send').click();
    expect(await ben.getByTestId('dj-chat-error').textContent()).toMatch(/barred/);
    // The others may still talk.
    await cy.getByTestId('dj-chat-input').fill('still here');
    await cy.getByTestId('dj-chat-send').click();
    await studio.page.waitForFunction((sel) => Array.from(document.querySelectorAll(sel)).some((el) => el.textContent?.includes('still here')), line);
  });

  it('a like from a listener reaches the studio; counts follow listeners leaving', async () => {
    await listeners[2]!.getByTestId('dj-like').click();
    await studio.page.waitForFunction(() => document.querySelector('[data-testid="dj-likes"]')?.textContent === '1');
    await listeners[2]!.context().close();
    listeners.pop();
    await studio.page.waitForFunction(
      () => document.querySelector('[data-testid="dj-listeners"]')?.textContent === '2' && document.querySelector('[data-testid="dj-peak"]')?.textContent === '3',
    );
  });

  it('a listener whose network drops comes back by itself, still LIVE, and hears the tone again without a reload', async () => {
    const page = listeners[1]!;
    const url = page.url();
    await page.context().setOffline(true);
    await page.waitForSelector('[data-testid="room-status"][data-status="reconnecting"]');
    const onlineAt = Date.now();
    await page.context().setOffline(false);
    await page.waitForSelector('[data-testid="room-status"][data-status="connected"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="dj-live-status"][data-live="true"]');
    await waitRemoteAudioCount(page, 1);
    const watch = await watchTones(page, [660]);
    watches.push(watch);
    await watch.waitFor(660, true, { timeoutMs: 15_000, frames: 5 });
    console.log(`[dj] listener back online → hearing the program again after ${Date.now() - onlineAt} ms`);
    expect(page.url()).toBe(url);
  });

  it('a talk-over microphone joins the mix and ducks the music while it is heard', async () => {
    const watch = await watchTones(listeners[0]!, [660, 880]);
    watches.push(watch);
    // A click, not check(): the box follows the mix, which changes once the microphone is captured.
    await studio.page.getByTestId('dj-talkover').click();
    await studio.page.getByTestId('dj-ducked').waitFor();
    await watch.waitFor(880, true, { timeoutMs: 15_000, frames: 5 });
    const both = await watch.shares(20);
    expect(both[880]).toBeGreaterThan(0.8);
    expect(both[660]).toBeGreaterThan(0.8); // ducked, not gone
    await studio.page.getByTestId('dj-talkover').click();
    await watch.waitFor(880, false, { timeoutMs: 10_000, frames: 5 });
  });

  it('ends the broadcast; listeners go back to offline without a reload', async () => {
    await studio.page.getByTestId('dj-end').click();
    for (const page of listeners) await page.waitForSelector('[data-testid="dj-live-status"][data-live="false"]', { timeout: 10_000 });
    expect(await liveStatus(studio.page)).toBe('false');
    const past = await fetch(`${server.url}/api/channels/${HANDLE}/past`).then((r) => r.json());
    expect(past.broadcasts[0]).toMatchObject({ title: 'Friday mix', peakListeners: 3, likes: 1 });
    // The follower unfollows from the channel page.
    await follower.goto(`${server.url}/c/${HANDLE}`);
    await follower.locator('[data-testid="dj-follow"][data-following="true"]').click();
    await follower.locator('[data-testid="dj-follow"][data-following="false"]').waitFor();
    expect((await pageFetch(follower, 'GET', `/api/channels/${HANDLE}/follow`)).json).toEqual({ following: false, email: false });
  });

  it('keeps an archive of the broadcast, hidden until published, with the tone for its whole length, and seekable', async () => {
    const mine = await studioFetch('GET', `/api/channels/${HANDLE}/archives`);
    const archive = mine.json.broadcasts[0];
    expect(archive).toMatchObject({ title: 'Friday mix', archived: true, published: false });
    const audio = `${server.url}/api/channels/${HANDLE}/archives/${archive.id}/audio`;
    // Hidden: not listed, not served, to anyone but the owner.
    expect((await fetch(`${server.url}/api/channels/${HANDLE}/archives`).then((r) => r.json())).broadcasts).toEqual([]);
    expect((await fetch(audio)).status).toBe(404);

    // The studio publishes it with its button; the description is edited through the API.
    const row = `[data-testid="dj-archive"][data-archive-id="${archive.id}"]`;
    await studio.page.locator(`${row}[data-published="false"] [data-testid="dj-archive-publish"]`).click();
    await studio.page.waitForSelector(`${row}[data-published="true"]`);
    const edited = await studioFetch('PATCH', `/api/channels/${HANDLE}/archives/${archive.id}`, { description: 'Recorded live' });
    expect(edited.json.broadcast).toMatchObject({ published: true, description: 'Recorded live' });
    expect((await fetch(`${server.url}/api/channels/${HANDLE}/archives`).then((r) => r.json())).broadcasts.map((b: { id: string }) => b.id)).toEqual([archive.id]);

    // Its chat, to replay beside the timeline: what was said, less what the studio deleted.
    const replay = await fetch(`${server.url}/api/channels/${HANDLE}/archives/${archive.id}/chat`).then((r) => r.json());
    expect(replay.messages.map((m: { text: string }) => m.text)).toEqual(['second', 'still here']);

    const whole = await fetch(audio);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const ranged = await fetch(audio, { headers: { range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);

    await measureArchive(bytes, async (audio) => {
      expect(audio).toMatchObject({ codec: 'opus', channels: 2 });
      const lasted = (Date.parse(archive.endedAt) - Date.parse(archive.startedAt)) / 1000;
      console.log(`[dj] archive: ${audio.duration.toFixed(2)} s for a broadcast of ${lasted.toFixed(2)} s, ${audio.sounding.toFixed(2)} s of it sounding`);
      // The program from its first second to its last: no gap, nothing lost at the start.
      expect(Math.abs(audio.duration - lasted)).toBeLessThan(1);
      expect(audio.silences).toEqual([]);
      // The first seconds: the program alone (the talk-over microphone came later).
      expect(Math.abs((await audio.roughHz(0.2, 2)) - 660)).toBeLessThan(20);
    });

    expect((await studioFetch('DELETE', `/api/channels/${HANDLE}/archives/${archive.id}`)).status).toBe(204);
    expect((await fetch(audio)).status).toBe(404);
  });
});
