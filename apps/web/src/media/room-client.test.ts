import type { Ack, JoinResult, ProducerInfo } from '@roomcast/shared';
import { Device, FakeHandler, testFakeParameters, type types } from 'mediasoup-client';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomClient, type RoomClientDeps, type RoomSnapshot, type RoomSocket } from './room-client';

/**
 * The whole join flow against a scripted server and mediasoup-client's FakeHandler: real
 * Device, Transport, Producer and Consumer objects, no browser and no network.
 */

type Answer = Ack<unknown> | Promise<Ack<unknown>>;
type Listener = (...args: unknown[]) => void;

const ok = (data: unknown): Ack<unknown> => ({ ok: true, data });
const fail = (code: string, message = code) => ({ ok: false, error: { code, message } }) as Ack<unknown>;

const peer = (peerId: string) => ({
  peerId,
  userId: `u-${peerId}`,
  displayName: peerId,
  role: 'listener' as const,
  isGuest: false,
  mic: 'none' as const,
  moderatorMuted: false,
});

class FakeSocket implements RoomSocket {
  active = true;
  connected = false;
  readonly sent: { event: string; payload: unknown }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Per-event overrides of the default server behaviour. */
  readonly script = new Map<string, (payload: unknown) => Answer>();
  private consumers = 0;
  joins = 0;

  constructor(private readonly producers: ProducerInfo[] = []) {}

  on(event: string, listener: Listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
    return this;
  }

  fire(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }

  connect() {
    this.active = true;
    // Like socket.io: connected only later, announced by the `connect` event.
    queueMicrotask(() => {
      this.connected = true;
      this.fire('connect');
    });
  }

  disconnect() {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire('disconnect', 'io client disconnect');
  }

  emit(event: string, payload: unknown, ack: (response: unknown) => void) {
    this.sent.push({ event, payload });
    void Promise.resolve(this.answer(event, payload)).then((a) => setTimeout(() => ack(a), 0));
  }

  events(name: string) {
    return this.sent.filter((s) => s.event === name);
  }

  private answer(event: string, payload: unknown): Answer {
    const scripted = this.script.get(event);
    if (scripted) return scripted(payload);
    switch (event) {
      case 'room:join': {
        this.joins++;
        const result: JoinResult = {
          room: { id: 'r1', name: 'Lobby', kind: 'voice', ownerId: 'u-x', createdAt: '2025-01-01T00:00:00Z', participants: 2 },
          self: peer('me'),
          peers: [peer('me'), peer('bob')],
          producers: this.producers,
          routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() as Record<string, unknown>,
          moderated: false,
          activeSpeakerId: 'bob',
        };
        return ok(result);
      }
      case 'sfu:createTransport': {
        const t = testFakeParameters.generateTransportRemoteParameters();
        return ok({ id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters });
      }
      case 'sfu:produce':
        return ok({ producerId: `prod-${this.events('sfu:produce').length}` });
      case 'sfu:consume': {
        const { producerId } = payload as { producerId: string };
        const remote = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: 'audio/opus' });
        const owner = this.producers.find((p) => p.producerId === producerId)?.peerId ?? 'carol';
        return ok({ consumerId: `cons-${++this.consumers}`, producerId, peerId: owner, kind: 'audio', rtpParameters: remote.rtpParameters, producerPaused: false });
      }
      default:
        return ok({});
    }
  }
}

/** Just enough of a MediaStreamTrack for mediasoup-client's producer. */
function fakeTrack(): MediaStreamTrack {
  let readyState: MediaStreamTrackState = 'live';
  const track = {
    id: `mic-${Math.random().toString(36).slice(2)}`,
    kind: 'audio',
    enabled: true,
    get readyState() {
      return readyState;
    },
    stop: () => void (readyState = 'ended'),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    clone: () => fakeTrack(),
    getSettings: () => ({}),
  };
  return track as unknown as MediaStreamTrack;
}

function setup(options: { producers?: ProducerInfo[]; mic?: () => Promise<MediaStreamTrack> } = {}) {
  const socket = new FakeSocket(options.producers);
  const tracks: MediaStreamTrack[] = [];
  const transports: types.Transport[] = [];
  const deps: RoomClientDeps = {
    connect: () => {
      socket.connect();
      return socket;
    },
    createDevice: async () => {
      const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
      device.observer.on('newtransport', (t) => transports.push(t));
      return device;
    },
    getMicrophone:
      options.mic ??
      (async () => {
        const t = fakeTrack();
        tracks.push(t);
        return t;
      }),
  };
  const client = new RoomClient('r1', deps);
  const states: RoomSnapshot[] = [];
  client.subscribe((s) => states.push(s));
  clients.push(client);
  return { client, socket, states, tracks, transports };
}

const clients: RoomClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function until(client: RoomClient, predicate: (s: RoomSnapshot) => boolean, timeoutMs = 3_000): Promise<RoomSnapshot> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = client.getSnapshot();
    if (predicate(s)) return s;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out; last state ${JSON.stringify({ ...client.getSnapshot(), remoteAudio: client.getSnapshot().remoteAudio.length })}`);
}

const bobMic: ProducerInfo = { producerId: 'bob-mic', peerId: 'bob', kind: 'audio', paused: false };

describe('RoomClient', () => {
  it('joins: loads the device, opens both transports, sends the mic and hears everyone already there', async () => {
    const { client, socket } = setup({ producers: [bobMic, { producerId: 'my-old', peerId: 'me', kind: 'audio', paused: false }] });
    expect(client.getSnapshot().status).toBe('joining');
    client.start();
    const s = await until(client, (x) => x.status === 'connected');

    expect(s.room?.name).toBe('Lobby');
    expect(s.self?.peerId).toBe('me');
    expect(s.peers.map((p) => p.peerId)).toEqual(['bob']); // self is not repeated among peers
    expect(s.mic).toBe('live');
    expect(s.remoteAudio.map((a) => [a.peerId, a.producerId])).toEqual([['bob', 'bob-mic']]);

    expect(socket.events('room:join')[0]?.payload).toEqual({ roomId: 'r1' });
    expect(socket.events('sfu:createTransport').map((e) => e.payload)).toEqual([{ direction: 'send' }, { direction: 'recv' }]);
    expect(socket.events('sfu:produce')[0]?.payload).toMatchObject({ kind: 'audio', appData: { source: 'mic' } });
    // Our own producer is never consumed; bob's is, then resumed.
    expect(socket.events('sfu:consume').map((e) => (e.payload as { producerId: string }).producerId)).toEqual(['bob-mic']);
    expect(socket.events('sfu:resumeConsumer')).toHaveLength(1);
    expect(socket.events('sfu:connectTransport').length).toBeGreaterThan(0);
  });

  it('consumes producers announced later, drops them when closed, and tracks peers', async () => {
    const { client, socket } = setup();
    client.start();
    await until(client, (x) => x.status === 'connected');

    socket.fire('peer:joined', peer('carol'));
    socket.fire('producer:new', { producerId: 'carol-mic', peerId: 'carol', kind: 'audio', paused: false });
    socket.fire('producer:new', { producerId: 'carol-mic', peerId: 'carol', kind: 'audio', paused: false }); // duplicate
    socket.fire('producer:new', { producerId: 'mine', peerId: 'me', kind: 'audio', paused: false });
    let s = await until(client, (x) => x.remoteAudio.length === 1);
    expect(s.peers.map((p) => p.peerId)).toEqual(['bob', 'carol']);
    expect(socket.events('sfu:consume')).toHaveLength(1);

    socket.fire('room:activeSpeaker', { peerId: 'carol' });
    socket.fire('room:audioLevels', { levels: [{ peerId: 'carol', volume: -30 }] });
    expect(client.getSnapshot()).toMatchObject({ activeSpeakerId: 'carol', levels: { carol: -30 } });

    socket.fire('producer:closed', { producerId: 'carol-mic', peerId: 'carol' });
    s = await until(client, (x) => x.remoteAudio.length === 0);

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
    const send = transports[0]!.handler as FakeHandler;
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
    const { client, socket } = setup();
    socket.script.set('room:join', () => fail('not_found', 'no such room'));
    client.start();
    const s = await until(client, (x) => x.status === 'failed');
    expect(s.error?.code).toBe('not_found');
    expect(s.message).toMatch(/does not exist/);
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.events('room:join')).toHaveLength(1);
  });

  it('retries a transient failure, leaving the half-joined room first', async () => {
    const { client, socket } = setup();
    let failures = 1;
    socket.script.set('sfu:createTransport', () => {
      if (failures-- > 0) return fail('unavailable', 'worker restarting');
      const t = testFakeParameters.generateTransportRemoteParameters();
      return ok({ id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters });
    });
    client.start();
    await until(client, (x) => x.status === 'connected');
    const order = socket.sent.map((s) => s.event).filter((e) => e === 'room:join' || e === 'room:leave');
    expect(order).toEqual(['room:join', 'room:leave', 'room:join']);
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
    const send = transports[0]!.handler as FakeHandler;
    const recv = transports[1]!.handler as FakeHandler;
    send.setConnectionState('connected');
    recv.setConnectionState('connected');
    recv.setConnectionState('disconnected');
    expect(client.getSnapshot()).toMatchObject({ status: 'reconnecting', message: expect.stringMatching(/network changed/) });
    recv.setConnectionState('connected');
    expect(client.getSnapshot()).toMatchObject({ status: 'connected', message: 'Connected again.' });
  });
});
