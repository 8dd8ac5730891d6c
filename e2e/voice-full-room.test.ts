import { PROTOCOL_VERSION } from '@roomcast/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import { createRoom, joinAsGuest, signUp, waitConnected, waitForRemoteAudio } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { detectTone } from './harness/tone.js';

/**
 * A full room works: at the default limit (50), with 49 microphones, a newcomer joining in a
 * browser hears a known speaker. Joining costs a bounded number of requests whatever the room's
 * size (the server pushes the consumers), so it stays under the server's own per-connection
 * rate limit, and no refusal is dropped. 48 of the microphones are lightweight Node peers: a
 * producer needs no connected transport, so they publish (silent) microphones over the real
 * socket.io API without WebRTC; the 49th is a browser playing a 440 Hz tone.
 */
const NODE_MICS = 48;
let server: RunningRoomcast;
const people: Participant[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  // 48 accounts are signed up from this one address; the default per-IP limit is for people.
  server = await startRoomcast({ env: { AUTH_RATE_LIMIT: '1000' } });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all(people.map((p) => p.close()));
  await server?.stop();
});

async function account(i: number): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `mic${i}@example.org`, password: 'forty-eight silent microphones', displayName: `Mic ${i}` }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function request<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.timeout(15_000).emit(event, payload, (err: Error | null, ack: { ok: boolean; data: T; error: { code: string; message: string } }) => {
      if (err) reject(err);
      else if (ack.ok) resolve(ack.data);
      else reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`));
    });
  });
}

/** One member with a microphone, published but silent: join, a send transport, one Opus producer. */
async function nodeMic(roomId: string, i: number): Promise<void> {
  const cookie = await account(i);
  const socket = io(server.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie }, auth: { protocolVersion: PROTOCOL_VERSION } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await request(socket, 'room:join', { roomId });
  const transport = await request<{ id: string }>(socket, 'sfu:createTransport', { direction: 'send' });
  await request(socket, 'sfu:produce', {
    transportId: transport.id,
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
      headerExtensions: [],
      encodings: [{ ssrc: 100_000 + i }],
      rtcp: { cname: `mic${i}`, reducedSize: true },
    },
  });
}

describe('a full room', () => {
  it('with 49 microphones in it, a newcomer in a browser joins with a handful of requests and hears the known speaker', async () => {
    const host = await openParticipant({ toneHz: 440 });
    people.push(host);
    await signUp(host.page, server.url, { email: 'host@example.org', password: 'full room, known voice at 440 Hz', name: 'Speaker' });
    const roomId = await createRoom(host.page, 'Full room');
    const hostPeer = await waitConnected(host.page);

    for (let i = 0; i < NODE_MICS; i += 8) await Promise.all(Array.from({ length: Math.min(8, NODE_MICS - i) }, (_, k) => nodeMic(roomId, i + k)));
    await host.page.waitForFunction((n) => document.querySelectorAll('[data-testid="participant"][data-mic="live"]').length === n, NODE_MICS + 1);

    const newcomer = await openParticipant();
    people.push(newcomer);
    // What the newcomer's page asks of the server, from the socket's own frames.
    const asked: string[] = [];
    newcomer.page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        const event = /^42\d*\["([^"]+)"/.exec(String(payload))?.[1];
        if (event) asked.push(event);
      }),
    );
    await joinAsGuest(newcomer.page, server.url, roomId, 'Newcomer');
    await waitConnected(newcomer.page);
    await waitForRemoteAudio(newcomer.page, hostPeer);
    await newcomer.page.waitForFunction((n) => document.querySelectorAll('audio[data-testid="remote-audio"]').length === n, NODE_MICS + 1);
    expect(await newcomer.page.locator('[data-testid="participant"]').count()).toBe(NODE_MICS + 2);

    const heard = await detectTone(newcomer.page, hostPeer, 440);
    expect(heard.share, `newcomer heard ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);
    // Nothing was refused and left unsaid.
    expect(await newcomer.page.getByTestId('room-notice').count()).toBe(0);
    // join, create + connect the receive transport, one resume, create + connect the send transport, produce.
    const counts = asked.reduce<Record<string, number>>((c, e) => ({ ...c, [e]: (c[e] ?? 0) + 1 }), {});
    console.log(`[voice-full-room] the newcomer's requests: ${JSON.stringify(counts)}`);
    expect(asked.length, JSON.stringify(counts)).toBeLessThanOrEqual(8);
    expect(counts['sfu:resumeConsumers']).toBe(1);
  });
});
