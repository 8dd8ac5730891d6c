import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexDb, scan, startAgent, type RunningAgent } from '@roomcast/desktop-agent';
import { FIXTURE, makeTrack } from '@roomcast/desktop-agent/testing';
import { openParticipant, type Participant } from './harness/browser.js';
import { signUp } from './harness/flows.js';
import { createAgentToken, openLibrary, playTrack } from './harness/library-flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

/**
 * Who may listen, in the browser: the owner shares a computer with a friend from My library and
 * revokes it mid-track (the friend's stream ends); someone else never sees it.
 */
const SECONDS = 60;
let server: RunningRoomcast;
let work: string;
let index: IndexDb;
let agent: RunningAgent;
let owner: Participant;
const contexts: BrowserContext[] = [];

async function person(email: string, name: string): Promise<Page> {
  const context = await owner.browser.newContext({ viewport: { width: 390, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await signUp(page, server.url, { email, password: 'long enough password', name });
  return page;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-e2e-access-'));
  // 60 s of WAV (5.3 MB): under the upload cap below it streams for a while, so a revoke lands mid-track.
  [server] = await Promise.all([startRoomcast(), makeTrack(path.join(work, 'Music/Long/Long Tone.wav'), { ...FIXTURE[6]!, title: 'Long Tone', album: 'Long Play', albumArtist: 'Long', artist: 'Long' }, SECONDS)]);
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  await scan(index, [path.join(work, 'Music')]);
  owner = await openParticipant();
  await signUp(owner.page, server.url, { email: 'owner@example.org', password: 'long enough password', name: 'Owner' });
  const creds = await createAgentToken(owner.page, 'Music PC');
  agent = startAgent({ server: server.url, token: creds.token, index, maxUploadBytes: 300_000, log: () => {} });
  await agent.connected;
});
afterAll(async () => {
  agent?.close();
  for (const c of contexts) await c.close().catch(() => undefined);
  await owner?.close();
  index?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('who can listen', () => {
  it('the owner shares with a friend, who plays; someone else sees nothing; a revoke mid-track ends the stream', async () => {
    const [friend, stranger] = [await person('friend@example.org', 'Friend'), await person('stranger@example.org', 'Stranger')];
    const page = owner.page;
    await page.goto(`${server.url}/library`);
    const row = page.locator('[data-testid="library-agents"] li', { hasText: 'Music PC' });
    await row.getByRole('button', { name: 'Who can listen' }).click();
    await expect.poll(() => row.getByTestId('agent-access').textContent(), { timeout: 15_000 }).toContain('Only you can listen');
    await row.getByPlaceholder('Their account email').fill('friend@example.org');
    await row.getByRole('button', { name: 'Share', exact: true }).click();
    await expect.poll(() => row.getByTestId('agent-grants').textContent(), { timeout: 15_000 }).toContain('Friend');

    // Someone else: no such computer in their list, and the owner's access list is not theirs to read.
    await stranger.goto(`${server.url}/library`);
    await expect.poll(() => stranger.locator('section', { hasText: 'Your computers' }).textContent(), { timeout: 15_000 }).toContain('No computer shares music with you yet');
    const agentId = (await row.getAttribute('data-agent-id'))!;
    expect(await stranger.evaluate(async (id) => (await fetch(`/api/library/agents/${id}/grants`)).status, agentId)).toBe(404);

    expect(await openLibrary(friend, server.url, 'Music PC')).toBeTruthy();
    expect(await friend.locator('[data-testid="library-agents"] li', { hasText: 'Music PC' }).textContent()).toContain('shared by Owner');
    await friend.getByRole('button', { name: 'Long', exact: true }).click();
    await friend.getByRole('button', { name: 'Long Play' }).click();
    await playTrack(friend, 'Long Tone');
    await expect.poll(() => agent.sessions().length, { timeout: 15_000 }).toBe(1);

    await row.getByRole('button', { name: 'Revoke Friend' }).click();
    await expect.poll(() => row.getByTestId('agent-access').textContent(), { timeout: 15_000 }).toContain('Only you can listen');
    // The friend's session ends at once: the page says so, the agent serves nobody, and bytes
    // the player did not have yet are refused instead of arriving.
    await friend.getByTestId('library-link-message').filter({ hasText: 'stopped sharing' }).waitFor();
    expect(await friend.getByTestId('library-rung').textContent()).toBe('not connected');
    await expect.poll(() => agent.sessions().length, { timeout: 15_000 }).toBe(0);
    const target = SECONDS - 5;
    const buffered = await friend.evaluate((t) => {
      const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]')!;
      el.currentTime = t;
      return Array.from({ length: el.buffered.length }, (_, i) => [el.buffered.start(i), el.buffered.end(i)]);
    }, target);
    expect(buffered.some(([from, to]) => from! <= target && target < to!), `buffered ${JSON.stringify(buffered)}`).toBe(false);
    await friend.waitForFunction(() => document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]')?.error !== null, undefined, { timeout: 15_000 });
  });
});
