import { afterEach, describe, expect, it } from 'vitest';
import { DjListener } from './dj-rooms';
import { fakeConnectionDeps, FakeSocket, ok, until } from './testing/fake-server';

/** A DJ listener against a scripted server: the live state by request, then by pushes only. */

const rooms: DjListener[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.close();
});

const broadcast = (id: string) => ({
  id,
  channelId: 'c1',
  title: 'Friday mix',
  description: '',
  status: 'live' as const,
  scheduledStart: null,
  scheduledEnd: null,
  startedAt: '2030-01-01T20:00:00.000Z',
  endedAt: null,
  peakListeners: 0,
  likes: 0,
});

function setup() {
  const socket = new FakeSocket([{ producerId: 'mix', peerId: 'dj', kind: 'audio', paused: false }]);
  socket.room = { ...socket.room, kind: 'dj' };
  let chatId = 0;
  socket.script.set('dj:state', () =>
    ok({
      live: null,
      counts: { listeners: 1, peak: 1, likes: 0 },
      chatDataProducerId: `chat-${++chatId}`,
      recentChat: [],
      audio: { bitrateKbps: 160 },
    }),
  );
  const room = new DjListener('r1', fakeConnectionDeps(socket));
  rooms.push(room);
  return { room, socket, state: () => room.getSnapshot() };
}

describe('DjListener', () => {
  it('listens without a microphone, reads the live state once, and consumes the chat channel', async () => {
    const { room, socket, state } = setup();
    room.start();
    const s = await until(state, (x) => x.status === 'connected' && x.known && x.remoteAudio.length === 1);
    expect(s).toMatchObject({ live: null, counts: { listeners: 1 }, bitrateKbps: 160 });
    await until(state, () => socket.events('sfu:consumeData').length === 1);
    expect(socket.events('sfu:consumeData')[0]!.payload).toMatchObject({ dataProducerId: 'chat-1' });
    expect(socket.names()).not.toContain('sfu:produce');
    expect(socket.events('sfu:createTransport').map((e) => (e.payload as { direction: string }).direction)).toEqual(['recv']);
  });

  it('switches to LIVE and follows counts by pushes, no polling', async () => {
    const { room, socket, state } = setup();
    room.start();
    await until(state, (x) => x.status === 'connected' && x.known);
    socket.fire('dj:live', { live: broadcast('b1') });
    socket.fire('dj:counts', { listeners: 12, peak: 15, likes: 3 });
    const s = await until(state, (x) => x.live?.id === 'b1' && x.counts.likes === 3);
    expect(s.counts).toEqual({ listeners: 12, peak: 15, likes: 3 });
    socket.fire('dj:live', { live: null });
    await until(state, (x) => x.live === null);
    expect(socket.events('dj:state')).toHaveLength(1);
  });

  it('follows the chat channel to its new id after a rejoin (a rebuilt router)', async () => {
    const { room, socket, state } = setup();
    room.start();
    await until(state, () => socket.events('sfu:consumeData').length === 1);
    socket.fire('room:rejoin', { reason: 'worker restarted' });
    await until(state, (x) => x.status === 'connected' && socket.joins === 2 && socket.events('sfu:consumeData').length === 2);
    expect(socket.events('sfu:consumeData').map((e) => (e.payload as { dataProducerId: string }).dataProducerId)).toEqual(['chat-1', 'chat-2']);
  });
});
