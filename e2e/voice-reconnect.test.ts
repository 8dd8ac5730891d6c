import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import { createRoom, joinAsGuest, selfPeerId, signUp, waitConnected, waitRemoteAudioCount, waitRoomStatus } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { watchTones } from './harness/tone-watch.js';

/**
 * The network drops under a listener (the browser goes offline, as on a network change): its
 * page says it is reconnecting, then rejoins by itself and hears the room again, no reload.
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

describe('voice room resilience', () => {
  it('a listener whose network drops says so, then rejoins by itself and hears the speaker again', async () => {
    const a = await openParticipant({ toneHz: 440 });
    const b = await openParticipant({ toneHz: 660 });
    people.push(a, b);
    await signUp(a.page, server.url, { email: 'net@example.org', password: 'networks come and go', name: 'Ann' });
    const roomId = await createRoom(a.page, 'Flaky network');
    await waitConnected(a.page);
    await joinAsGuest(b.page, server.url, roomId, 'Ben');
    const before = await waitConnected(b.page);
    await waitRemoteAudioCount(b.page, 1);
    const url = b.page.url();

    await b.context.setOffline(true);
    await waitRoomStatus(b.page, 'reconnecting');
    expect(await b.page.getByTestId('room-status-message').textContent()).toMatch(/connection|reconnect/i);

    const onlineAt = Date.now();
    await b.context.setOffline(false);
    const after = await waitConnected(b.page);
    await waitRemoteAudioCount(b.page, 1);
    console.log(`[voice-reconnect] back online → connected with audio after ${Date.now() - onlineAt} ms`);
    expect(after).not.toBe(before);
    expect(await selfPeerId(b.page)).toBe(after);
    expect(b.page.url()).toBe(url);
    const w = await watchTones(b.page, [440]);
    expect((await w.shares(20))[440]).toBeGreaterThan(0.8);
    await w.stop();
  });
});
