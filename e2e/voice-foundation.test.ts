import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import { createRoom, joinAsGuest, signUp, waitConnected, waitForRemoteAudio } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { detectTone } from './harness/tone.js';

/**
 * The foundation's promise end to end: real server process, real mediasoup worker, two real
 * Chromium instances. Audio is proven by finding the speaker's tone in what the listener decodes.
 */
let server: RunningRoomcast;
const people: Participant[] = [];

beforeAll(async () => {
  server = await startRoomcast();
});
afterAll(async () => {
  await Promise.all(people.map((p) => p.close()));
  await server?.stop();
});

async function workerPids(page: Participant['page']): Promise<number[]> {
  const res = await page.request.get(`${server.url}/api/admin/stats`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { sfu: { workers: { pid: number }[] } };
  return body.sfu.workers.map((w) => w.pid);
}

describe('voice through the SFU', () => {
  let roomId: string;
  let host: Participant;
  let hostPeer: string;

  it('a signed-up user creates a room, a guest joins, and the guest hears the host’s 440 Hz tone', async () => {
    host = await openParticipant({ toneHz: 440 });
    const guest = await openParticipant({ toneHz: 660 });
    people.push(host, guest);

    // Signed out, the rooms list is not shown (nor asked for): a sign-in link is.
    const listed: string[] = [];
    guest.page.on('request', (r) => void (r.url().includes('/api/rooms') && listed.push(r.url())));
    await guest.page.goto(`${server.url}/rooms`);
    await guest.page.getByTestId('rooms-signin').waitFor();
    expect(await guest.page.getByTestId('room-item').count()).toBe(0);
    expect(listed).toEqual([]);

    await signUp(host.page, server.url, { email: 'host@example.org', password: 'a tone of 440 hertz', name: 'Host' });
    roomId = await createRoom(host.page, 'Tone room');
    hostPeer = await waitConnected(host.page);

    await joinAsGuest(guest.page, server.url, roomId, 'Guest');
    const guestPeer = await waitConnected(guest.page);
    await waitForRemoteAudio(guest.page, hostPeer);
    await waitForRemoteAudio(host.page, guestPeer);

    const heardByGuest = await detectTone(guest.page, hostPeer, 440);
    expect(heardByGuest.share, `guest heard peaks ${heardByGuest.peaks.join(',')}`).toBeGreaterThan(0.8);
    const heardByHost = await detectTone(host.page, guestPeer, 660);
    expect(heardByHost.share, `host heard peaks ${heardByHost.peaks.join(',')}`).toBeGreaterThan(0.8);

  });

  it('a worker killed with SIGKILL is respawned, the host rejoins by itself, and a new guest hears it', async () => {
    const [before] = await workerPids(host.page);
    expect(before).toBeGreaterThan(0);
    const respawned = server.waitForLog((l) => l.msg === 'sfu worker started' && l.workerPid !== before);
    process.kill(before!, 'SIGKILL');
    const line = await respawned;
    expect(await workerPids(host.page)).toEqual([line.workerPid]);

    // The host's page was told to rejoin and did so without a reload.
    await host.page.waitForFunction((old) => {
      const self = document.querySelector('[data-testid="self-peer-id"]')?.textContent?.trim();
      return self !== old && document.querySelector('[data-testid="room-status"]')?.textContent === 'connected';
    }, hostPeer);
    const newHostPeer = await waitConnected(host.page);
    expect(newHostPeer).not.toBe(hostPeer);

    const late = await openParticipant({ toneHz: 880 });
    people.push(late);
    await joinAsGuest(late.page, server.url, roomId, 'Late');
    await waitConnected(late.page);
    await waitForRemoteAudio(late.page, newHostPeer);
    const heard = await detectTone(late.page, newHostPeer, 440);
    expect(heard.share, `late guest heard peaks ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);
  });
});
