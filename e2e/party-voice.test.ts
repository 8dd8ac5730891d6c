import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTY } from '@roomcast/shared';
import { launchShared, newPerson, openParticipant, type Participant } from './harness/browser.js';
import { enterParty, guestIn, startParty } from './harness/party.js';
import { startPartyServer, type PartyServer } from './harness/party-server.js';
import type { RunningRoomcast } from './harness/roomcast.js';
import { watchTones, type ToneWatch } from './harness/tone-watch.js';
import { recordPeerConnections } from './harness/webrtc-stats.js';

/**
 * Voice in a watch party: peer to peer (PeerJS media calls) while the party is small, through
 * the SFU once a fifth member joins. The two speakers need their own Chromium (the fake
 * microphone's file is per process); the listeners who make the party big share one.
 */
let party: PartyServer;
let server: RunningRoomcast;
let adminCookie: string;
let ann: Participant;
let bob: Participant;
let shared: Browser;
let videoId: string;
const watches: ToneWatch[] = [];

beforeAll(async () => {
  party = await startPartyServer();
  server = party.server;
  // The install's first account administers: the SFU's counters are its to read.
  const admin = await fetch(`${server.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'root@example.org', password: 'keeper of this install', displayName: 'Admin' }),
  });
  expect(admin.status).toBe(201);
  adminCookie = admin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  [ann, bob, shared] = await Promise.all([openParticipant({ toneHz: 440 }), openParticipant({ toneHz: 660 }), launchShared()]);
  await recordPeerConnections(ann.page);
  for (const page of [ann.page, bob.page]) recordMeshLog(page);
  const annId = await guestIn(ann.page, server.url, 'Ann');
  videoId = await party.video(annId, { title: 'Talk over this', seconds: 30 });
});
afterAll(async () => {
  await Promise.all(watches.map((w) => w.stop().catch(() => undefined)));
  await Promise.all([ann?.close(), bob?.close(), shared?.close()]);
  await party?.stop();
});

/** Consumers on every SFU worker, as the admin's stats count them. */
async function sfuConsumers(): Promise<number> {
  const stats = await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: adminCookie } }).then((r) => r.json());
  return (stats.sfu.workers as { consumers: number }[]).reduce((sum, w) => sum + w.consumers, 0);
}

/** Each page's mesh errors (PeerJS's, as the mesh logs them): what a failure message shows. */
const meshLog = new WeakMap<Page, string[]>();
function recordMeshLog(page: Page): void {
  const lines: string[] = [];
  meshLog.set(page, lines);
  page.on('console', (message) => message.text().startsWith('[party mesh]') && lines.push(message.text()));
}

/** Waits until the page talks in `mode` and plays `count` voices that way (and none the other way). */
function voicesIn(page: Page, mode: 'mesh' | 'sfu', count: number): Promise<unknown> {
  return page.waitForFunction(
    ({ mode, count }) => {
      const other = mode === 'mesh' ? 'sfu' : 'mesh';
      return (
        document.querySelector('[data-testid="party-voice"]')?.getAttribute('data-mode') === mode &&
        document.querySelectorAll(`[data-testid="party-${mode}-audio"] audio`).length === count &&
        document.querySelectorAll(`[data-testid="party-${other}-audio"] audio`).length === 0
      );
    },
    { mode, count },
    { timeout: 20_000, polling: 100 },
  ).catch(async (error: Error) => {
    // Say what the page had instead: its voice state and links.
    const seen = await page.evaluate(() => {
      const s = (window as unknown as { roomcastParty: { getSnapshot(): Record<string, unknown> } }).roomcastParty.getSnapshot();
      return JSON.stringify({ voiceMode: s['voiceMode'], voiceOn: s['voiceOn'], mic: s['mic'], micMessage: s['micMessage'], mesh: Object.keys(s['meshAudio'] as object), sfu: (s['remoteAudio'] as unknown[]).length, links: s['links'] });
    });
    throw new Error(`${error.message}; the page has ${seen}; its mesh said ${JSON.stringify(meshLog.get(page)?.slice(-10) ?? [])}`);
  });
}

/** Starts watching what the page hears and waits until `hz` is heard for 5 frames in a row. */
async function hears(page: Page, hz: number): Promise<void> {
  const watch = await watchTones(page, [hz]);
  watches.push(watch);
  await watch.waitFor(hz, true, { timeoutMs: 15_000, frames: 5 });
  await watch.stop();
}

/** The candidate types of the selected pair of every connection that receives audio on the page. */
function audioPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const out: { local: string; remote: string }[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = [...((await pc.getStats()) as unknown as Map<string, Record<string, unknown>>).values()];
      if (!stats.some((s) => s['type'] === 'inbound-rtp' && s['kind'] === 'audio' && Number(s['bytesReceived']) > 0)) continue;
      const transport = stats.find((s) => s['type'] === 'transport');
      const pair = stats.find((s) => s['id'] === transport?.['selectedCandidatePairId']);
      const byId = (id: unknown) => stats.find((s) => s['id'] === id);
      out.push({ local: String(byId(pair?.['localCandidateId'])?.['candidateType']), remote: String(byId(pair?.['remoteCandidateId'])?.['candidateType']) });
    }
    return out;
  });
}

describe('party voice', () => {
  it('two members hear each other peer to peer (host/srflx pair, no SFU consumer; mute silences); with a fifth, voice moves to the SFU and all five hear', async () => {
    const roomId = await startParty(ann.page, videoId);
    await guestIn(bob.page, server.url, 'Bob');
    await Promise.all([enterParty(ann.page, server.url, roomId), enterParty(bob.page, server.url, roomId)]);
    await Promise.all([ann.page, bob.page].map((page) => page.getByTestId('party-voice-join').click()));

    // Small party: one media call between them, on a direct path, and the SFU carries nothing.
    await Promise.all([voicesIn(ann.page, 'mesh', 1), voicesIn(bob.page, 'mesh', 1)]);
    await Promise.all([hears(ann.page, 660), hears(bob.page, 440)]);
    const pairs = await audioPairs(ann.page);
    expect(pairs).toHaveLength(1);
    expect(['host', 'srflx']).toContain(pairs[0]!.local);
    expect(['host', 'srflx']).toContain(pairs[0]!.remote);
    expect(await sfuConsumers()).toBe(0);
    // Ann mutes: Bob hears her tone stop (the capture itself is off), then come back.
    const bobHears = await watchTones(bob.page, [440]);
    watches.push(bobHears);
    await ann.page.getByTestId('party-mute').click();
    await bobHears.waitFor(440, false, { timeoutMs: 5_000, frames: 5 });
    await ann.page.getByTestId('party-mute').click();
    await bobHears.waitFor(440, true, { timeoutMs: 5_000, frames: 5 });
    await bobHears.stop();

    // Three more (listeners with Chromium's default fake microphone): past PARTY.meshVoiceMax.
    const listeners: Page[] = [];
    for (const name of ['Cy', 'Dee', 'Eve']) {
      const page = await newPerson(shared);
      recordMeshLog(page);
      await guestIn(page, server.url, name);
      listeners.push(page);
    }
    await Promise.all(listeners.map((page) => enterParty(page, server.url, roomId)));
    await Promise.all(listeners.map((page) => page.getByTestId('party-voice-join').click()));
    expect(1 + 1 + listeners.length).toBeGreaterThan(PARTY.meshVoiceMax);

    // Everyone switched together: each hears the four others through the SFU, no mesh call is left.
    const everyone = [ann.page, bob.page, ...listeners];
    await Promise.all(everyone.map((page) => voicesIn(page, 'sfu', 4)));
    await Promise.all([hears(ann.page, 660), ...[bob.page, ...listeners].map((page) => hears(page, 440))]);
    expect(await sfuConsumers()).toBe(5 * 4);
  });
});
