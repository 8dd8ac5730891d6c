import type { ProducerInfo } from '@roomcast/shared';
import type { FakeHandler, types } from 'mediasoup-client';
import { afterEach, describe, expect, it } from 'vitest';
import { consumerFor, fail, fakeConnectionDeps, fakeTrack, FakeSocket, ok, peer, until as poll } from './testing/fake-server';
import { VoiceRoom, type VoiceRoomSnapshot } from './voice-room';

/** The voice room's whole join flow against a scripted protocol-3 server (see testing/fake-server). */

function setup(options: { producers?: ProducerInfo[]; mic?: () => Promise<MediaStreamTrack> } = {}) {
  const socket = new FakeSocket(options.producers);
  const tracks: MediaStreamTrack[] = [];
  const transports: types.Transport[] = [];
  const waits: number[] = [];
  let micRequests = 0;
  const client = new VoiceRoom('r1', {
    ...fakeConnectionDeps(socket, transports, waits),
    getMicrophone: async () => {
      micRequests++;
      if (options.mic) return options.mic();
      const t = fakeTrack();
      tracks.push(t);
      return t;
    },
  });
  const states: VoiceRoomSnapshot[] = [];
  client.subscribe((s) => states.push(s));
  clients.push(client);
  return { client, socket, states, tracks, transports, waits, micRequests: () => micRequests };
}

const clients: VoiceRoom[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

const handler = (transports: types.Transport[], direction: 'send' | 'recv') => transports.find((t) => t.direction === direction)!.handler as FakeHandler;

const until = (client: VoiceRoom, predicate: (s: VoiceRoomSnapshot) => boolean, timeoutMs?: number) => poll(() => client.getSnapshot(), predicate, timeoutMs);

const bobMic: ProducerInfo = { producerId: 'bob-mic', peerId: 'bob', kind: 'audio', paused: false };

describe('VoiceRoom', () => {
  it('joins: device from the join answer, receive transport with capabilities, its consumers resumed in one batch, then the mic', async () => {
    const { client, socket } = setup({ producers: [bobMic, { producerId: 'my-old', peerId: 'me', kind: 'audio', paused: false }] });
    expect(client.getSnapshot().status).toBe('joining');
    client.start();
    const s = await until(client, (x) => x.status === 'connected' && x.remoteAudio.length === 1);

    expect(s.room?.name).toBe('Lobby');
    expect(s.self?.peerId).toBe('me');
    expect(s.peers.map((p) => p.peerId)).toEqual(['bob']); // self is not repeated among peers
    expect(s.mic).toBe('live');
    expect(s.remoteAudio.map((a) => [a.peerId, a.producerId])).toEqual([['bob', 'bob-mic']]);

    expect(socket.events('room:join')[0]?.payload).toEqual({ roomId: 'r1' });
    const created = socket.events('sfu:createTransport').map((e) => e.payload as { direction: string; rtpCapabilities?: unknown; sctp: boolean });
    expect(created.map((c) => [c.direction, c.rtpCapabilities !== undefined, c.sctp]).sort()).toEqual([
      ['recv', true, false],
      ['send', false, false],
    ]);
    expect(socket.events('sfu:produce')[0]?.payload).toMatchObject({ kind: 'audio', appData: { source: 'mic' } });
    // Our own producer is never consumed; bob's consumer came with the transport, resumed once.
    expect(socket.events('sfu:resumeConsumers').map((e) => e.payload)).toEqual([{ consumerIds: [s.remoteAudio[0]!.consumerId] }]);
    expect(socket.names().filter((n) => n === 'sfu:consume' || n === 'sfu:resumeConsumer')).toEqual([]);
    expect(socket.events('sfu:connectTransport').length).toBeGreaterThan(0);
  });

  it('costs the same requests whatever the room size: 40 speakers, one resume', async () => {
    const many = Array.from({ length: 40 }, (_, i): ProducerInfo => ({ producerId: `p${i}`, peerId: `peer${i}`, kind: 'audio', paused: false }));
    const { client, socket } = setup({ producers: many });
    client.start();
    await until(client, (x) => x.status === 'connected' && x.remoteAudio.length === 40);
    const counts = Object.fromEntries(['room:join', 'sfu:createTransport', 'sfu:resumeConsumers', 'sfu:produce'].map((n) => [n, socket.events(n).length]));
    expect(counts).toEqual({ 'room:join': 1, 'sfu:createTransport': 2, 'sfu:resumeConsumers': 1, 'sfu:produce': 1 });
    expect((socket.events('sfu:resumeConsumers')[0]!.payload as { consumerIds: string[] }).consumerIds).toHaveLength(40);
  });

  it('wires consumers the server pushes later (one resume per push), drops them when closed, and tracks peers', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');

    socket.fire('peer:joined', peer('carol'));
    const carol = consumerFor({ producerId: 'carol-mic', peerId: 'carol', kind: 'audio', paused: false });
    const dave = consumerFor({ producerId: 'dave-mic', peerId: 'dave', kind: 'audio', paused: false });
    socket.fire('consumer:new', { consumers: [carol, dave] });
    socket.fire('consumer:new', { consumers: [carol] }); // duplicate
    let s = await until(client, (x) => x.remoteAudio.length === 2);
    expect(s.peers.map((p) => p.peerId)).toEqual(['bob', 'carol']);
    await until(client, () => socket.events('sfu:resumeConsumers').length === 1);
    expect(socket.events('sfu:resumeConsumers')[0]!.payload).toEqual({ consumerIds: [carol.consumerId, dave.consumerId] });

    socket.fire('room:activeSpeaker', { peerId: 'carol' });
    socket.fire('room:audioLevels', { levels: [{ peerId: 'carol', volume: -30 }] });
    expect(client.getSnapshot()).toMatchObject({ activeSpeakerId: 'carol', levels: { carol: -30 } });

    socket.fire('producer:closed', { producerId: 'carol-mic', peerId: 'carol' });
    s = await until(client, (x) => x.remoteAudio.length === 1);

    socket.fire('peer:left', { peerId: 'carol' });
    s = client.getSnapshot();
    expect(s.peers.map((p) => p.peerId)).toEqual(['bob']);
    expect(s.activeSpeakerId).toBeNull();
  });

  it('closes a consumer the server closed', async () => {
    const { client, socket } = setup({ producers: [bobMic] });
    client.start();
    const s = await until(client, (x) => x.status === 'connected' && x.remoteAudio.length === 1);
    socket.fire('consumer:closed', { consumerId: s.remoteAudio[0]!.consumerId });
    await until(client, (x) => x.remoteAudio.length === 0);
  });

  it('rejoins from scratch on room:rejoin, reusing the microphone', async () => {
    const { client, socket, states, tracks } = setup({ producers: [bobMic] });
    client.start();
    const first = await until(client, (x) => x.status === 'connected' && x.remoteAudio.length === 1);

    socket.fire('room:rejoin', { reason: 'worker died' });
    expect(client.getSnapshot().status).toBe('reconnecting');
    expect(first.remoteAudio[0]!.track.readyState).toBe('ended'); // old consumer closed with its transport
    const again = await until(client, (x) => x.status === 'connected' && x.remoteAudio.length === 1);

    expect(socket.joins).toBe(2);
    expect(socket.events('sfu:createTransport')).toHaveLength(4);
    expect(socket.events('sfu:produce')).toHaveLength(2);
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.readyState).toBe('live');
    expect(again.remoteAudio[0]!.consumerId).not.toBe(first.remoteAudio[0]!.consumerId);
    expect(states.some((s) => s.status === 'reconnecting')).toBe(true);
  });

  it('rejoins after the socket reconnects', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    socket.connected = false;
    socket.fire('disconnect', 'transport close');
    expect(client.getSnapshot().status).toBe('reconnecting');
    socket.connect();
    await until(client, (x) => x.status === 'connected');
    expect(socket.joins).toBe(2);
  });

  it('shows transport states, and rejoins (leaving first) when ICE fails', async () => {
    const { client, socket, transports } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    const send = handler(transports, 'send');
    send.setConnectionState('connected');
    expect(client.getSnapshot().transports.send).toBe('connected');
    send.setConnectionState('failed');
    expect(client.getSnapshot().status).toBe('reconnecting');
    await until(client, (x) => x.status === 'connected' && socket.joins === 2);
    const order = socket.sent.map((s) => s.event).filter((e) => e === 'room:join' || e === 'room:leave');
    expect(order).toEqual(['room:join', 'room:leave', 'room:join']);
  });

  it('stays in the room, listening only, when the microphone is refused', async () => {
    const { client, socket } = setup({
      producers: [bobMic],
      mic: async () => Promise.reject(new DOMException('denied', 'NotAllowedError')),
    });
    client.start();
    const s = await until(client, (x) => x.status === 'connected');
    expect(s.mic).toBe('unavailable');
    expect(s.micMessage).toMatch(/permission/i);
    expect(s.remoteAudio).toHaveLength(1);
    expect(socket.events('sfu:produce')).toHaveLength(0);
  });

  it('fails at once, without retrying, when the room does not exist', async () => {
    const { client, socket, waits } = setup();
    socket.script.set('room:join', () => fail('not_found', 'no such room'));
    client.start();
    const s = await until(client, (x) => x.status === 'failed');
    expect(s.error?.code).toBe('not_found');
    expect(s.message).toMatch(/does not exist/);
    // The loop ended there: no backoff was scheduled, no second join sent.
    expect(waits).toEqual([]);
    expect(socket.events('room:join')).toHaveLength(1);
  });

  it('joins again after a failure mid-join, leaving the half-joined room first, after a jittered backoff', async () => {
    const { client, socket, waits } = setup();
    socket.script.set('sfu:createTransport', (payload) => {
      socket.script.delete('sfu:createTransport');
      return fail('internal', `no transport for ${JSON.stringify(payload).length} bytes`);
    });
    client.start();
    await until(client, (x) => x.status === 'connected');
    const order = socket.sent.map((s) => s.event).filter((e) => e === 'room:join' || e === 'room:leave');
    expect(order).toEqual(['room:join', 'room:leave', 'room:join']);
    expect(waits).toEqual([375]); // 500 ms ceiling, half of it jittered (random 0.5)
  });

  it('retries a busy server within the request, without rejoining', async () => {
    const { client, socket, waits } = setup({ producers: [bobMic] });
    let refusals = 2;
    socket.script.set('sfu:resumeConsumers', () => (refusals-- > 0 ? fail('rate_limited', 'slow down') : ok({})));
    client.start();
    await until(client, (x) => x.status === 'connected' && socket.events('sfu:resumeConsumers').length === 3);
    expect(socket.joins).toBe(1);
    expect(waits).toEqual([375, 750]);
    expect(client.getSnapshot().notice).toBeNull();
  });

  it('shows a refused resume instead of sitting silent', async () => {
    const { client, socket } = setup({ producers: [bobMic] });
    socket.script.set('sfu:resumeConsumers', () => fail('forbidden', 'not yours'));
    client.start();
    const s = await until(client, (x) => x.notice !== null);
    expect(s.notice).toMatch(/Could not start hearing one person: not yours/);
    expect(socket.events('sfu:resumeConsumers')).toHaveLength(1);
  });

  it('shows a refused connection as failed with its code', async () => {
    const { client, socket } = setup();
    socket.connect = () => undefined; // the server refuses before any `connect`
    client.start();
    socket.active = false;
    socket.fire('connect_error', Object.assign(new Error('unauthenticated'), { data: { code: 'unauthenticated', message: 'no session' } }));
    const s = await until(client, (x) => x.status === 'failed');
    expect(s.error?.code).toBe('unauthenticated');
  });

  it('mutes by pausing the producer on both ends', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    client.setMuted(true);
    expect(client.getSnapshot().mic).toBe('muted');
    client.setMuted(false);
    expect(client.getSnapshot().mic).toBe('live');
    await until(client, () => socket.events('sfu:resumeProducer').length === 1);
    expect(socket.events('sfu:pauseProducer')[0]?.payload).toEqual({ producerId: 'prod-1' });
  });

  it('leaves once, stops the microphone and hangs up, however often it is closed', async () => {
    const { client, socket, tracks } = setup({ producers: [bobMic] });
    client.start();
    await until(client, (x) => x.status === 'connected');
    client.close();
    client.close();
    expect(socket.events('room:leave')).toHaveLength(1);
    await until(client, () => !socket.connected);
    expect(tracks[0]!.readyState).toBe('ended');
  });

  it('push-to-talk: paused (nothing sent) while the key is up, live only while it is held', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    client.setPushToTalk(true);
    expect(client.getSnapshot()).toMatchObject({ pushToTalk: true, mic: 'muted' });
    await until(client, () => socket.events('sfu:pauseProducer').length === 1);
    client.setTalking(true);
    expect(client.getSnapshot()).toMatchObject({ talking: true, mic: 'live' });
    client.setTalking(true); // key repeat: no extra request
    client.setTalking(false);
    expect(client.getSnapshot()).toMatchObject({ talking: false, mic: 'muted' });
    await until(client, () => socket.events('sfu:pauseProducer').length === 2);
    expect(socket.events('sfu:resumeProducer')).toHaveLength(1);
  });

  it('takes the active speaker from the join, and follows a moderator mute of itself', async () => {
    const { client, socket } = setup();
    client.start();
    const joined = await until(client, (x) => x.status === 'connected');
    expect(joined.activeSpeakerId).toBe('bob');

    socket.fire('room:moderation', { moderated: true });
    socket.fire('peer:updated', { ...peer('me'), mic: 'muted', moderatorMuted: true });
    const s = client.getSnapshot();
    expect(s).toMatchObject({ mic: 'muted', moderated: true, self: { moderatorMuted: true } });
    expect(s.micMessage).toMatch(/moderator muted you/);
    // Locked: unmuting and push-to-talk are refused locally, without asking the server.
    client.setMuted(false);
    expect(client.getSnapshot().mic).toBe('muted');
    expect(socket.events('sfu:resumeProducer')).toHaveLength(0);

    socket.fire('peer:updated', { ...peer('me'), mic: 'muted', moderatorMuted: false });
    client.setMuted(false);
    expect(client.getSnapshot().mic).toBe('live');
    await until(client, () => socket.events('sfu:resumeProducer').length === 1);
  });

  it('stays muted when the server refuses an unmute', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    client.setMuted(true);
    socket.script.set('sfu:resumeProducer', () => fail('forbidden', 'a moderator muted you'));
    client.setMuted(false);
    const s = await until(client, (x) => x.mic === 'muted' && x.micMessage !== null);
    expect(s.micMessage).toBe('a moderator muted you');
  });

  it('shows a removal as failed with the banned code and does not rejoin by itself', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    socket.fire('room:removed', { reason: 'removed', bannedUntil: new Date(Date.now() + 60_000).toISOString() });
    const s = client.getSnapshot();
    expect(s).toMatchObject({ status: 'failed', error: { code: 'banned' } });
    expect(s.message).toMatch(/removed you/);
    expect(socket.joins).toBe(1);
  });

  it('asks the server to moderate and shows its refusal as a notice', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    socket.script.set('mod:removePeer', () => fail('forbidden', 'only the room’s owner or an admin can moderate'));
    await client.removePeer('bob');
    expect(client.getSnapshot().notice).toMatch(/only the room/);
    await client.mutePeer('bob');
    expect(socket.events('mod:mutePeer')[0]?.payload).toEqual({ peerId: 'bob' });
    expect(client.getSnapshot().notice).toBeNull();
  });

  it('silences a speaker on our side as soon as the server says it muted, and back when live', async () => {
    const { client, socket } = setup({ producers: [bobMic] });
    client.start();
    const s = await until(client, (x) => x.status === 'connected' && x.remoteAudio.length === 1);
    const track = s.remoteAudio[0]!.track;
    expect(track.enabled).toBe(true);
    socket.fire('peer:updated', { ...peer('bob'), mic: 'muted' });
    expect(track.enabled).toBe(false);
    expect(client.getSnapshot().peers.find((p) => p.peerId === 'bob')?.mic).toBe('muted');
    socket.fire('peer:updated', { ...peer('bob'), mic: 'live' });
    expect(track.enabled).toBe(true);
  });

  it('says so while a dropped media connection is restored in place, and when it is back', async () => {
    const { client, transports } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');
    const send = handler(transports, 'send');
    const recv = handler(transports, 'recv');
    send.setConnectionState('connected');
    recv.setConnectionState('connected');
    recv.setConnectionState('disconnected');
    expect(client.getSnapshot()).toMatchObject({ status: 'reconnecting', message: expect.stringMatching(/network changed/) });
    recv.setConnectionState('connected');
    expect(client.getSnapshot()).toMatchObject({ status: 'connected', message: 'Connected again.' });
  });
});
