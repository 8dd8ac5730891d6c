import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import {
  createRoom,
  joinAsGuest,
  selfPeerId,
  signUp,
  waitConnected,
  waitParticipant,
  waitRemoteAudioCount,
  waitRoomStatus,
} from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { watchTones, type ToneWatch } from './harness/tone-watch.js';
import { audioPacketsSent, recordPeerConnections } from './harness/webrtc-stats.js';

/**
 * A voice room with three real Chromium instances through the real SFU. Each speaks its own
 * tone (A 440 Hz, B 660 Hz, C 880 Hz), so what a page hears says who it hears.
 */
const TONES = [440, 660, 880] as const;
let server: RunningRoomcast;
let roomId: string;
const people: Participant[] = [];
let a: Participant;
let b: Participant;
let c: Participant;
const watches: ToneWatch[] = [];

beforeAll(async () => {
  server = await startRoomcast();
});
afterAll(async () => {
  await Promise.all(watches.map((w) => w.stop()));
  await Promise.all(people.map((p) => p.close()));
  await server?.stop();
});

async function watch(page: Page): Promise<ToneWatch> {
  const w = await watchTones(page, [...TONES]);
  watches.push(w);
  return w;
}

/** Runs `fn` over the three pages in order A, B, C. */
const everyone = () => [a, b, c];

async function expectHearsOthers(p: Participant): Promise<void> {
  const w = await watch(p.page);
  const shares = await w.shares(30);
  await w.stop();
  for (const hz of TONES) {
    if (hz === p.toneHz) expect(shares[hz], `${p.toneHz} Hz page hears itself: ${JSON.stringify(shares)}`).toBeLessThan(0.05);
    else expect(shares[hz], `${p.toneHz} Hz page hears ${hz}: ${JSON.stringify(shares)}`).toBeGreaterThan(0.8);
  }
}

/** Clicks and returns the click's wall-clock time. */
async function clickAt(page: Page, testId: string, within?: string): Promise<number> {
  const target = within ? page.locator(within).getByTestId(testId) : page.getByTestId(testId);
  await target.waitFor();
  const at = Date.now();
  await target.click();
  return at;
}

const row = (peerId: string) => `[data-testid="participant"][data-peer-id="${peerId}"]`;

describe('voice room with three people', () => {
  it('each of three browsers hears the other two tones and not its own', async () => {
    a = await openParticipant({ toneHz: 440 });
    b = await openParticipant({ toneHz: 660 });
    c = await openParticipant({ toneHz: 880 });
    people.push(a, b, c);
    await recordPeerConnections(a.page);

    await signUp(a.page, server.url, { email: 'owner@example.org', password: 'three tones in a room', name: 'Ann' });
    roomId = await createRoom(a.page, 'Voice room');
    await waitConnected(a.page);
    await joinAsGuest(b.page, server.url, roomId, 'Ben');
    await joinAsGuest(c.page, server.url, roomId, 'Cat');
    await Promise.all(everyone().map((p) => waitConnected(p.page)));
    await Promise.all(everyone().map((p) => waitRemoteAudioCount(p.page, 2)));
    for (const p of everyone()) await expectHearsOthers(p);
  });
});
