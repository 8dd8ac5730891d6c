import { afterEach, describe, expect, it } from 'vitest';
import { ListenerRoom } from './listener-room';
import { consumerFor, fakeConnectionDeps, FakeSocket, until } from './testing/fake-server';

/** Listening only (a DJ audience), with data channels: the composition without a microphone. */

const rooms: ListenerRoom[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.close();
});

function setup() {
  const socket = new FakeSocket([
    { producerId: 'dj-mix', peerId: 'dj', kind: 'audio', paused: false },
    { producerId: 'dj-cam', peerId: 'dj', kind: 'video', paused: false },
  ]);
  socket.room = { ...socket.room, kind: 'dj' };
  const room = new ListenerRoom('r1', fakeConnectionDeps(socket));
  rooms.push(room);
  return { room, socket, state: () => room.getSnapshot() };
}

describe('ListenerRoom', () => {
  it('hears the room with no microphone and no send transport: join, one receive transport, one resume', async () => {
    const { room, socket, state } = setup();
    room.start();
    const s = await until(state, (x) => x.status === 'connected' && x.remoteAudio.length === 1);
    expect(s.remoteAudio[0]).toMatchObject({ peerId: 'dj', producerId: 'dj-mix' });
    expect('mic' in s).toBe(false);
    expect(socket.events('sfu:createTransport').map((e) => e.payload)).toEqual([
      expect.objectContaining({ direction: 'recv', sctp: true, rtpCapabilities: expect.any(Object) }),
    ]);
    // Video it does not render is never resumed, so it never costs bandwidth.
    const resumed = (socket.events('sfu:resumeConsumers')[0]!.payload as { consumerIds: string[] }).consumerIds;
    expect(resumed).toEqual([s.remoteAudio[0]!.consumerId]);
    expect(socket.names().filter((n) => !['room:join', 'sfu:createTransport', 'sfu:connectTransport', 'sfu:resumeConsumers'].includes(n))).toEqual([]);
  });

  it('consumes a data producer on the receive transport and rebuilds it on a rejoin', async () => {
    const { room, socket, state } = setup();
    room.data.subscribe('chat-1', () => undefined);
    room.start();
    await until(state, (x) => x.status === 'connected');
    expect(socket.events('sfu:consumeData').map((e) => (e.payload as { dataProducerId: string }).dataProducerId)).toEqual(['chat-1']);

    socket.fire('room:rejoin', { reason: 'worker restarted' });
    await until(state, (x) => x.status === 'connected' && socket.joins === 2);
    await until(state, () => socket.events('sfu:consumeData').length === 2);
  });

  it('opens a data producer on the send transport when asked mid-visit', async () => {
    const { room, socket, state } = setup();
    room.start();
    await until(state, (x) => x.status === 'connected');
    const sender = room.data.sender('likes');
    await until(state, () => socket.events('sfu:produceData').length === 1);
    expect(socket.events('sfu:produceData')[0]!.payload).toMatchObject({ label: 'likes', protocol: '' });
    expect(socket.events('sfu:createTransport').map((e) => (e.payload as { direction: string }).direction)).toEqual(['recv', 'send']);
    expect(sender.label).toBe('likes');
  });

  it('wires consumers pushed for a later publisher, but not those pushed before our join was answered', async () => {
    const { room, socket, state } = setup();
    room.start();
    // Before the join answer: stale, for the peer we were before.
    socket.fire('consumer:new', { consumers: [consumerFor({ producerId: 'old', peerId: 'ghost', kind: 'audio', paused: false })] });
    await until(state, (x) => x.status === 'connected' && x.remoteAudio.length === 1);
    socket.fire('consumer:new', { consumers: [consumerFor({ producerId: 'guest-mic', peerId: 'guest', kind: 'audio', paused: true })] });
    const s = await until(state, (x) => x.remoteAudio.length === 2);
    expect(s.remoteAudio.map((a) => a.producerId)).toEqual(['dj-mix', 'guest-mic']);
    // A paused producer's track is silenced on our side until its speaker unmutes.
    expect(s.remoteAudio[1]!.track.enabled).toBe(false);
  });
});
