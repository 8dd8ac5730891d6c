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

  it('A mutes: within 1 s the others stop hearing 440 Hz, and every page shows A muted', async () => {
    const aPeer = await selfPeerId(a.page);
    const [wb, wc] = await Promise.all([watch(b.page), watch(c.page)]);
    await Promise.all([wb.waitFor(440, true), wc.waitFor(440, true)]);
    const mutedAt = await clickAt(a.page, 'mute');
    const [goneB, goneC] = await Promise.all([
      wb.waitFor(440, false, { since: mutedAt, timeoutMs: 3_000 }),
      wc.waitFor(440, false, { since: mutedAt, timeoutMs: 3_000 }),
    ]);
    console.log(`[voice-room] mute → 440 Hz gone: B ${goneB - mutedAt} ms, C ${goneC - mutedAt} ms`);
    expect(goneB - mutedAt).toBeLessThan(1_000);
    expect(goneC - mutedAt).toBeLessThan(1_000);
    await Promise.all(everyone().map((p) => waitParticipant(p.page, aPeer, 'mic', 'muted', 1_000)));
    // The others still hear each other.
    expect(await wc.waitFor(660, true, { since: mutedAt })).toBeGreaterThan(0);

    const unmutedAt = await clickAt(a.page, 'mute');
    await Promise.all([wb.waitFor(440, true, { since: unmutedAt }), wc.waitFor(440, true, { since: unmutedAt })]);
    await Promise.all(everyone().map((p) => waitParticipant(p.page, aPeer, 'mic', 'live')));
    await Promise.all([wb.stop(), wc.stop()]);
  });

  it('push-to-talk: nothing is sent while the key is up; 440 Hz is heard only while Space is held', async () => {
    const aPeer = await selfPeerId(a.page);
    await a.page.getByTestId('ptt-toggle').check();
    await waitParticipant(b.page, aPeer, 'mic', 'muted');
    // Focus off the checkbox, so Space is the talk key, not a click on whatever has focus.
    await a.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const wb = await watch(b.page);

    const before = await audioPacketsSent(a.page);
    const keyUp = await wb.shares(15);
    const after = await audioPacketsSent(a.page);
    expect(after - before, 'audio packets sent by A with the key up').toBe(0);
    expect(keyUp[440], `B heard ${JSON.stringify(keyUp)} while A's key was up`).toBe(0);

    const heldAt = Date.now();
    await a.page.keyboard.down('Space');
    const heard = await wb.waitFor(440, true, { since: heldAt, timeoutMs: 3_000 });
    console.log(`[voice-room] push-to-talk held → 440 Hz heard after ${heard - heldAt} ms`);
    await waitParticipant(b.page, aPeer, 'mic', 'live');
    expect(await a.page.getByTestId('talk').getAttribute('aria-pressed')).toBe('true');

    const releasedAt = Date.now();
    await a.page.keyboard.up('Space');
    const gone = await wb.waitFor(440, false, { since: releasedAt, timeoutMs: 3_000 });
    expect(gone - releasedAt).toBeLessThan(1_000);
    await waitParticipant(b.page, aPeer, 'mic', 'muted');
    await wb.stop();

    // Back to open mic for what follows.
    await a.page.getByTestId('ptt-toggle').uncheck();
    await clickAt(a.page, 'mute');
    await waitParticipant(b.page, aPeer, 'mic', 'live');
  });
});
