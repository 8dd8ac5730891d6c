import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureArchive } from './harness/archive-audio.js';
import { openParticipant, type Participant } from './harness/browser.js';
import { createChannel, openListener, pageFetch, pickTabProgram, remoteTrackIds, signUpAdmin, signUpBroadcaster, waitNewRemoteAudio } from './harness/dj-flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { watchTones, type ToneWatch } from './harness/tone-watch.js';

/**
 * A live broadcast outlives what breaks under it: the studio page reloaded (the same broadcast
 * and archive go on once its DJ picks the source again), the media worker serving some
 * listeners killed (they are moved and hear the program again), the room's own worker killed
 * (everyone rejoins, the studio's program comes back by itself). No listener reloads.
 */
const HANDLE = 'all-nighter';
let server: RunningRoomcast;
let adminCookie: string;
let studio: Participant;
let audience: Participant;
/** The first listener is served from the room's router; the second from an edge router on the other worker. */
const listeners: Page[] = [];
const watches: ToneWatch[] = [];
/** How long the program was off air in this run (reload, worker deaths): the archive lacks it. */
let offAirMs = 0;
let broadcastId: string;

beforeAll(async () => {
  server = await startRoomcast({ env: { SFU_WORKERS: '2', SFU_ROUTER_LISTENER_LIMIT: '1', DJ_STUDIO_GRACE_SECONDS: '120' } });
  [studio, audience] = await Promise.all([openParticipant({ tabCapture: true }), openParticipant()]);
});
afterAll(async () => {
  await Promise.all(watches.map((w) => w.stop()));
  await Promise.all([studio?.close(), audience?.close()]);
  await server?.stop();
});

interface WorkerStat {
  pid: number;
  rooms: number;
  consumers: number;
  alive: boolean;
}
async function workers(): Promise<WorkerStat[]> {
  const stats = await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: adminCookie } }).then((r) => r.json());
  return stats.sfu.workers as WorkerStat[];
}

/** The page plays a new consumer of the program, and the 660 Hz tone is heard in it. */
async function hearsAgain(page: Page, before: string[]): Promise<void> {
  await waitNewRemoteAudio(page, before);
  const watch = await watchTones(page, [660]);
  watches.push(watch);
  await watch.waitFor(660, true, { timeoutMs: 15_000, frames: 5 });
}

/** Kills a worker for real and resolves once the server has started its replacement. */
async function killWorker(pid: number): Promise<void> {
  const respawned = server.waitForLog((l) => l.msg === 'sfu worker started' && l.workerPid !== pid, 20_000);
  process.kill(pid, 'SIGKILL');
  await respawned;
}

const liveId = async () => (await fetch(`${server.url}/api/channels/${HANDLE}`).then((r) => r.json())).channel.live?.id as string | undefined;

describe('a live broadcast that survives', () => {
  it('goes live with two listeners, one of them on an edge router of the other worker', async () => {
    adminCookie = await signUpAdmin(server.url);
    await signUpBroadcaster(studio.page, server.url, adminCookie, { email: 'owl@example.org', password: 'a long night of records', name: 'DJ Owl' });
    await createChannel(studio.page, server.url, HANDLE, 'All nighter');
    for (const name of ['Near', 'Far']) listeners.push(await openListener(audience.browser, server.url, HANDLE, name));
    await pickTabProgram(studio.page);
    await studio.page.getByTestId('dj-go-live').click();
    await studio.page.waitForSelector('[data-testid="dj-live-status"][data-live="true"]');
    for (const page of listeners) await hearsAgain(page, []);
    broadcastId = (await liveId())!;
    expect(broadcastId).toBeTruthy();
    const stats = await workers();
    expect(stats.map((w) => [w.rooms, w.consumers]).sort()).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('a reloaded studio resumes the same broadcast; listeners stay LIVE and hear the program again without reloading', async () => {
    const before = await Promise.all(listeners.map(remoteTrackIds));
    const urls = listeners.map((p) => p.url());
    const reloadAt = Date.now();
    await studio.page.reload();
    await studio.page.waitForSelector('[data-testid="room-status"][data-status="connected"]');
    // The page knows its broadcast is still on air and offers to resume it; listeners wait, LIVE.
    await studio.page.getByTestId('dj-resume-hint').waitFor();
    for (const page of listeners) expect(await page.getByTestId('dj-live-status').getAttribute('data-live')).toBe('true');
    await pickTabProgram(studio.page);
    await studio.page.getByTestId('dj-resume').click();
    await studio.page.getByTestId('dj-resume-hint').waitFor({ state: 'detached' });
    const resumedAt = Date.now();
    offAirMs += resumedAt - reloadAt;
    for (const [i, page] of listeners.entries()) await hearsAgain(page, before[i]!);
    console.log(`[dj] studio reload → listeners hear the program again ${Date.now() - resumedAt} ms after resume`);
    expect(listeners.map((p) => p.url())).toEqual(urls);
    expect(await liveId()).toBe(broadcastId);
    await studio.page.waitForFunction(() => document.querySelector('[data-testid="dj-listeners"]')?.textContent === '2');
  });

  it('listeners on a worker that is killed are moved and hear the program again; the others are untouched', async () => {
    const edge = (await workers()).find((w) => w.rooms === 0 && w.consumers > 0)!;
    const far = listeners[1]!;
    const near = listeners[0]!;
    const before = await remoteTrackIds(far);
    const nearBefore = await remoteTrackIds(near);
    const killedAt = Date.now();
    await killWorker(edge.pid);
    await hearsAgain(far, before);
    console.log(`[dj] edge worker killed → its listener hears the program again after ${Date.now() - killedAt} ms`);
    // The listener on the room's own router kept its consumer throughout.
    expect(await remoteTrackIds(near)).toEqual(nearBefore);
    expect(await liveId()).toBe(broadcastId);
  });

  it("when the room's own worker is killed, the studio's program comes back by itself and every listener hears it again", async () => {
    const main = (await workers()).find((w) => w.rooms === 1)!;
    const before = await Promise.all(listeners.map(remoteTrackIds));
    const killedAt = Date.now();
    await killWorker(main.pid);
    for (const [i, page] of listeners.entries()) await hearsAgain(page, before[i]!);
    offAirMs += Date.now() - killedAt;
    console.log(`[dj] room worker killed → listeners hear the program again after ${Date.now() - killedAt} ms`);
    expect(await liveId()).toBe(broadcastId);
    expect(await studio.page.getByTestId('dj-resume-hint').count()).toBe(0);
  });

  it('ends with one archive of the broadcast, recorded across every break', async () => {
    await studio.page.getByTestId('dj-end').click();
    for (const page of listeners) await page.waitForSelector('[data-testid="dj-live-status"][data-live="false"]', { timeout: 10_000 });
    const mine = await pageFetch(studio.page, 'GET', `/api/channels/${HANDLE}/archives`);
    expect(mine.json.broadcasts.map((b: { id: string }) => b.id)).toEqual([broadcastId]);
    expect(mine.json.broadcasts[0]).toMatchObject({ archived: true });
    // One recording went on with each new producer of the studio (the reload, the room's new worker).
    const finished = await server.waitForLog((l) => l.msg === 'recording finished' && l.recordingId === broadcastId);
    expect(finished.producers).toBe(3);
    console.log(`[dj] archive: ${finished.bytes} bytes, packets ${JSON.stringify(finished.packets)}`);
    const bytes = await studio.page.evaluate(async (route) => Array.from(new Uint8Array(await (await fetch(route)).arrayBuffer())), `/api/channels/${HANDLE}/archives/${broadcastId}/audio`);
    await measureArchive(Buffer.from(bytes), async (audio) => {
      const lasted = (Date.parse(mine.json.broadcasts[0].endedAt) - Date.parse(mine.json.broadcasts[0].startedAt)) / 1000;
      const offAir = offAirMs / 1000;
      console.log(
        `[dj] archive: ${audio.duration.toFixed(2)} s for a broadcast of ${lasted.toFixed(2)} s; tone ${audio.sounding.toFixed(2)} s, ` +
          `silences ${JSON.stringify(audio.silences.map((x) => [+x.start.toFixed(2), +x.end.toFixed(2)]))}, at most ${offAir.toFixed(2)} s off air`,
      );
      // The archive keeps the broadcast's clock: the studio's absences are silence in it, not cut out.
      expect(Math.abs(audio.duration - lasted)).toBeLessThan(1);
      // The tone whenever the studio was on air (the off-air time measured here is an upper bound):
      // from the start, across the resume and the room's move, to the end.
      expect(audio.sounding).toBeGreaterThan(lasted - offAir - 1);
      expect(audio.silences.length).toBeLessThanOrEqual(2);
      expect(audio.silences.every((x) => x.start > 0.5 && x.end < audio.duration - 0.5)).toBe(true);
      expect(Math.abs((await audio.roughHz(0.2, 1)) - 660)).toBeLessThan(20);
      expect(Math.abs((await audio.roughHz(audio.duration - 1.2, 1)) - 660)).toBeLessThan(20);
    });
  });
});
