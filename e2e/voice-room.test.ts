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
  // Room of three: a fourth person is told the room is full.
  server = await startRoomcast({ env: { ROOM_MAX_PARTICIPANTS: '3' } });
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

/** The three people, in order A, B, C. */
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

/**
 * Clicks and returns the wall-clock time at which the page received the click. Timed in the
 * page, not before Playwright's click: its actionability checks (scrolling, waiting for a stable
 * layout) can take hundreds of ms on a busy machine and are not the product's latency.
 */
async function clickAt(page: Page, testId: string, within?: string): Promise<number> {
  const target = within ? page.locator(within).getByTestId(testId) : page.getByTestId(testId);
  await target.evaluate((el) =>
    el.addEventListener('click', () => ((window as unknown as { __clickedAt: number }).__clickedAt = Date.now()), { once: true, capture: true }),
  );
  await target.click();
  return page.evaluate(() => (window as unknown as { __clickedAt: number }).__clickedAt);
}

const row = (peerId: string) => `[data-testid="participant"][data-peer-id="${peerId}"]`;

describe('voice room with three people', () => {
  it('each of three browsers hears the other two tones and not its own, under a CSP that refuses nothing of the app', async () => {
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
    // All of that ran under the server's Content-Security-Policy without one refusal; the policy
    // is live in the page: an injected inline script does not run, and the refusal is seen.
    for (const p of everyone()) expect(p.cspViolations).toEqual([]);
    const ran = await a.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
      return (window as { injected?: boolean }).injected ?? false;
    });
    expect(ran).toBe(false);
    await expect.poll(() => a.cspViolations.length).toBe(1);
    a.cspViolations.length = 0;
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

  it('with only B unmuted, every page highlights B as the active speaker', async () => {
    const [aPeer, bPeer, cPeer] = await Promise.all(everyone().map((p) => selfPeerId(p.page)));
    await clickAt(a.page, 'mute');
    await clickAt(c.page, 'mute');
    await Promise.all(everyone().flatMap((p) => [waitParticipant(p.page, aPeer!, 'mic', 'muted'), waitParticipant(p.page, cPeer!, 'mic', 'muted')]));
    await Promise.all(everyone().map((p) => waitParticipant(p.page, bPeer!, 'active-speaker', 'true', 10_000)));
    for (const p of everyone()) {
      expect(await p.page.locator('[data-testid="participant"][data-active-speaker="true"]').count()).toBe(1);
    }
    // Level meters (AudioLevelObserver): B's moves on every page, the muted stay at zero.
    for (const p of everyone()) {
      await p.page.waitForFunction(
        (id) => Number(document.querySelector(`[data-testid="participant"][data-peer-id="${id}"] [data-testid="level"]`)?.getAttribute('data-level')) > 0,
        bPeer,
        { timeout: 5_000, polling: 50 },
      );
      expect(await p.page.locator(`${row(aPeer!)} [data-testid="level"]`).getAttribute('data-level')).toBe('0');
    }
    // B sees itself speaking; the muted see themselves muted.
    await b.page.waitForFunction(() => document.querySelector('[data-testid="self-speaking"]')?.getAttribute('data-speaking') === 'true');
    expect(await a.page.getByTestId('self-speaking').textContent()).toBe('You are muted');

    await clickAt(a.page, 'mute');
    await clickAt(c.page, 'mute');
    await Promise.all(everyone().flatMap((p) => [waitParticipant(p.page, aPeer!, 'mic', 'live'), waitParticipant(p.page, cPeer!, 'mic', 'live')]));
  });

  it('killing the SFU worker under the room: all three hear each other again within 5 s, without a reload', async () => {
    const stats = await a.page.request.get(`${server.url}/api/admin/stats`);
    expect(stats.status()).toBe(200);
    const [pid] = ((await stats.json()) as { sfu: { workers: { pid: number }[] } }).sfu.workers.map((w) => w.pid);
    const oldPeers = await Promise.all(everyone().map((p) => selfPeerId(p.page)));
    const urls = everyone().map((p) => p.page.url());

    const killedAt = Date.now();
    process.kill(pid!, 'SIGKILL');
    // Each page says it is reconnecting, then gets back with a new peer id and both others' audio.
    const back = await Promise.all(
      everyone().map(async (p, i) => {
        await p.page.waitForFunction(
          (old) => document.querySelector('[data-testid="self-peer-id"]')?.textContent?.trim() !== old,
          oldPeers[i],
          { timeout: 10_000, polling: 20 },
        );
        await waitRoomStatus(p.page, 'connected');
        await waitRemoteAudioCount(p.page, 2, 10_000);
        return Date.now() - killedAt;
      }),
    );
    console.log(`[voice-room] worker SIGKILL → all audio back: ${back.join(', ')} ms`);
    expect(Math.max(...back)).toBeLessThan(5_000);
    expect(everyone().map((p) => p.page.url())).toEqual(urls);
    for (const p of everyone()) await expectHearsOthers(p);
  });

  it('a fourth person is told the room is full (ROOM_MAX_PARTICIPANTS=3)', async () => {
    const d = await openParticipant();
    people.push(d);
    await joinAsGuest(d.page, server.url, roomId, 'Dee');
    await waitRoomStatus(d.page, 'failed');
    await expect.poll(() => d.page.getByTestId('room-error').textContent()).toMatch(/This room is full/);
    await d.close();
    expect(await a.page.locator('[data-testid="participant"]').count()).toBe(3);
  });

  it('turning noise suppression off and picking another microphone keep A audible, with no rejoin', async () => {
    const aPeer = await selfPeerId(a.page);
    const wb = await watch(b.page);
    const toggledAt = Date.now();
    await a.page.getByTestId('noise-suppression').uncheck();
    await wb.waitFor(440, true, { since: toggledAt, frames: 10 });
    const picker = a.page.getByTestId('mic-picker');
    const options = await picker.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(options.length, `microphones offered: ${options.join(',')}`).toBeGreaterThan(1);
    const pickedAt = Date.now();
    await picker.selectOption(options.at(-1)!);
    await wb.waitFor(440, true, { since: pickedAt, frames: 10 });
    expect(await selfPeerId(a.page)).toBe(aPeer);
    await wb.stop();
  });

  it('the owner mutes C on the server: C goes silent for everyone, C is told, and in a moderated room cannot unmute', async () => {
    const cPeer = await selfPeerId(c.page);
    // The toggle shows the server's state: it reads checked once the server has agreed.
    await a.page.getByTestId('moderated-toggle').click();
    await expect.poll(() => a.page.getByTestId('moderated-toggle').isChecked()).toBe(true);
    await c.page.getByTestId('moderated-note').waitFor();

    const [wa, wb] = await Promise.all([watch(a.page), watch(b.page)]);
    await Promise.all([wa.waitFor(880, true), wb.waitFor(880, true)]);
    const mutedAt = await clickAt(a.page, 'mod-mute', row(cPeer));
    const gone = await Promise.all([wa, wb].map((w) => w.waitFor(880, false, { since: mutedAt, timeoutMs: 3_000 })));
    console.log(`[voice-room] moderator mute → 880 Hz gone: ${gone.map((t) => t - mutedAt).join(', ')} ms`);
    for (const t of gone) expect(t - mutedAt).toBeLessThan(1_000);
    await Promise.all(everyone().map((p) => waitParticipant(p.page, cPeer, 'moderator-muted', 'true')));
    await Promise.all(everyone().map((p) => waitParticipant(p.page, cPeer, 'mic', 'muted')));
    await expect.poll(() => c.page.getByTestId('mic-message').textContent()).toMatch(/moderator muted you/);

    // C tries to unmute: refused, still muted everywhere, and nothing reaches the others.
    await clickAt(c.page, 'mute');
    await expect.poll(() => c.page.getByTestId('mic-message').textContent()).toMatch(/once they allow it/);
    const after = await wb.shares(20);
    expect(after[880], `B heard C after a refused unmute: ${JSON.stringify(after)}`).toBe(0);
    expect(await b.page.locator(row(cPeer)).getAttribute('data-mic')).toBe('muted');

    // Allowed again, C can speak.
    await clickAt(a.page, 'mod-allow', row(cPeer));
    await waitParticipant(c.page, cPeer, 'moderator-muted', 'false');
    const unmutedAt = await clickAt(c.page, 'mute');
    await wb.waitFor(880, true, { since: unmutedAt, timeoutMs: 5_000 });
    await Promise.all([wa.stop(), wb.stop()]);
  });

  it('removing C disconnects it, and its rejoin is refused', async () => {
    const cPeer = await selfPeerId(c.page);
    await clickAt(a.page, 'mod-remove', row(cPeer));
    await waitRoomStatus(c.page, 'failed');
    await expect.poll(() => c.page.getByTestId('room-error').textContent()).toMatch(/removed you/);
    await Promise.all([a, b].map((p) => p.page.locator(row(cPeer)).waitFor({ state: 'detached', timeout: 5_000 })));
    await Promise.all([a, b].map((p) => waitRemoteAudioCount(p.page, 1)));

    // Coming back by the link (a fresh page load) is refused with the reason.
    await c.page.goto(`${server.url}/r/${roomId}`);
    await waitRoomStatus(c.page, 'failed');
    await expect.poll(() => c.page.getByTestId('room-error').textContent()).toMatch(/removed you/);
    expect(await a.page.locator('[data-testid="participant"]').count()).toBe(2);
  });

  it('the owner closes the room: every page in it says closed, and it leaves the rooms list', async () => {
    await expect.poll(() => a.page.locator('[data-testid="participant"]').count()).toBe(2);
    await a.page.getByTestId('close-room').click();
    const closedAt = await clickAt(a.page, 'close-room-confirm');
    await Promise.all([a, b].map((p) => waitRoomStatus(p.page, 'closed')));
    console.log(`[voice-room] close → every page closed after ${Date.now() - closedAt} ms`);
    for (const p of [a, b]) {
      expect(await p.page.getByTestId('room-error').textContent()).toMatch(/This room was closed/);
      // Closed for good: nothing to retry, the page points to other rooms instead.
      expect(await p.page.getByTestId('retry').count()).toBe(0);
      expect(await p.page.locator('audio[data-testid="remote-audio"]').count()).toBe(0);
    }
    await a.page.goto(`${server.url}/rooms`);
    // The only room there was is gone: the list, once loaded, is empty.
    await a.page.getByText(/No open rooms yet/).waitFor();
    expect(await a.page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).count()).toBe(0);
  });
});
