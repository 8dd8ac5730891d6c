import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import { fakeMicrophone, type FakeMember } from './harness/fake-members.js';
import { joinAsGuest, waitConnected, waitForRemoteAudio } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { detectTone } from './harness/tone.js';

/**
 * A voice room at its default limit (50) with 49 microphones: a newcomer's join must not cost
 * one request per speaker (the server pushes consumers), so it hears a known speaker among them
 * instead of running into its own rate limit. 48 microphones are lightweight socket.io members;
 * the known speaker is a real browser sending 440 Hz, and so is the newcomer.
 */
let server: RunningRoomcast;
const people: Participant[] = [];
const fakes: FakeMember[] = [];

beforeAll(async () => {
  // Every member here is a guest from 127.0.0.1: lift the per-address guest allowance only.
  server = await startRoomcast({ env: { GUESTS_PER_IP_PER_HOUR: '100', ROOM_MAX_PARTICIPANTS: undefined } });
});
afterAll(async () => {
  for (const fake of fakes) fake.close();
  await Promise.all(people.map((p) => p.close()));
  await server?.stop();
});

describe('a full voice room', () => {
  it('a newcomer to 49 microphones gets all 49 and hears the known speaker', async () => {
    const speaker = await openParticipant({ toneHz: 440 });
    people.push(speaker);
    // The speaker creates the room as an account holder, then 48 silent microphones fill it.
    const owner = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'crowd@example.org', password: 'forty nine microphones', displayName: 'Crowd' }),
    });
    const cookie = owner.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'Crowd' }),
    });
    const roomId = ((await created.json()) as { room: { id: string } }).room.id;

    await joinAsGuest(speaker.page, server.url, roomId, 'Known speaker');
    const speakerPeer = await waitConnected(speaker.page);
    for (let i = 0; i < 48; i++) fakes.push(await fakeMicrophone(server.url, roomId, i));

    const newcomer = await openParticipant({ toneHz: 880 });
    people.push(newcomer);
    await joinAsGuest(newcomer.page, server.url, roomId, 'Newcomer');
    await waitConnected(newcomer.page);
    // One remote audio element per microphone in the room, the silent ones included.
    await newcomer.page.waitForFunction(() => document.querySelectorAll('audio[data-testid="remote-audio"]').length === 49, null, { timeout: 30_000 });
    await waitForRemoteAudio(newcomer.page, speakerPeer);
    const heard = await detectTone(newcomer.page, speakerPeer, 440);
    expect(heard.share, `newcomer heard peaks ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);

    // The room is full now: a 51st person is told so.
    await expect(fakeMicrophone(server.url, roomId, 99)).rejects.toThrow(/room_full/);
  });
});
