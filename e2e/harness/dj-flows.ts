import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { signUp } from './flows.js';
import { recordPeerConnections } from './webrtc-stats.js';

/** Live DJ flows shared by the end-to-end tests: accounts, the channel, the program, listeners. */

/** The install's first account: its admin. Resolves with its cookie. */
export async function signUpAdmin(base: string): Promise<string> {
  const admin = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'root@example.org', password: 'keeper of this install', displayName: 'Admin' }),
  });
  expect(admin.status, await admin.clone().text()).toBe(201);
  return admin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Signs the studio page up and has the admin make its account a broadcaster. */
export async function signUpBroadcaster(studio: Page, base: string, adminCookie: string, user: { email: string; password: string; name: string }): Promise<void> {
  await signUp(studio, base, user);
  const dj = await studio.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
  expect(dj.user.email).toBe(user.email);
  const res = await fetch(`${base}/api/admin/users/${dj.user.id}/role`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', cookie: adminCookie, origin: base },
    body: JSON.stringify({ role: 'broadcaster' }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Creates the broadcaster's channel on /studio and waits for the studio's room connection. */
export async function createChannel(studio: Page, base: string, handle: string, title: string): Promise<void> {
  await studio.goto(`${base}/studio`);
  await studio.getByTestId('channel-handle').fill(handle);
  await studio.getByTestId('channel-title').fill(title);
  await studio.getByTestId('channel-save').click();
  await studio.getByTestId('studio-channel-link').waitFor();
  await studio.waitForSelector('[data-testid="room-status"][data-status="connected"]');
}

/** A stereo program in the tab: 660 Hz in both channels over a little uncorrelated noise per side. */
export async function playProgram(page: Page): Promise<void> {
  await page.evaluate(() => {
    const ctx = new AudioContext({ sampleRate: 48000 });
    const tone = ctx.createOscillator();
    tone.frequency.value = 660;
    const toneGain = ctx.createGain();
    toneGain.gain.value = 0.4;
    tone.connect(toneGain).connect(ctx.destination);
    const merger = ctx.createChannelMerger(2);
    for (const channel of [0, 1]) {
      const buffer = ctx.createBuffer(1, ctx.sampleRate * 2, ctx.sampleRate);
      const data = buffer.getChannelData(0);
      for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * 0.01;
      const noise = ctx.createBufferSource();
      noise.buffer = buffer;
      noise.loop = true;
      noise.connect(merger, 0, channel);
      noise.start();
    }
    merger.connect(ctx.destination);
    tone.start();
    (window as unknown as { __program: AudioContext }).__program = ctx;
  });
}

/** Plays the program, captures this tab as the source and waits until the meter reads it. */
export async function pickTabProgram(studio: Page): Promise<void> {
  await playProgram(studio);
  await studio.getByTestId('dj-source-tab').click();
  await studio.getByTestId('dj-source-label').waitFor();
  await studio.waitForFunction(() => Number(document.querySelector('[data-testid="dj-level"]')?.getAttribute('data-level')) > 0.1);
}

/** A request from a page (its session cookie, its origin). */
export async function pageFetch(page: Page, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ({ method, route, body }) => {
      const res = await fetch(route, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    { method, route, body },
  );
}

/** A guest listener in its own context of a shared browser, on the channel page and in its room. */
export async function openListener(browser: Browser, base: string, handle: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  await recordPeerConnections(page);
  await page.goto(`${base}/c/${handle}`);
  await page.getByTestId('guest-name').fill(name);
  await page.getByTestId('guest-join').click();
  await page.waitForSelector('[data-testid="room-status"][data-status="connected"]');
  return page;
}

/** Ids of the remote audio tracks the page plays now. */
export async function remoteTrackIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLAudioElement>('audio[data-testid="remote-audio"]')).flatMap((el) =>
      el.srcObject instanceof MediaStream ? el.srcObject.getAudioTracks().map((t) => t.id) : [],
    ),
  );
}

/** Waits until the page plays a live remote audio track other than `before` (a new consumer). */
export async function waitNewRemoteAudio(page: Page, before: string[], timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    (before) =>
      Array.from(document.querySelectorAll<HTMLAudioElement>('audio[data-testid="remote-audio"]')).some(
        (el) => el.srcObject instanceof MediaStream && el.srcObject.getAudioTracks().some((t) => !before.includes(t.id) && t.readyState === 'live' && !t.muted),
      ),
    before,
    { timeout: timeoutMs, polling: 50 },
  );
}
