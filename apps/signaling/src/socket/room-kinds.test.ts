import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opus, vp8 } from '../testing/media.js';
import { readyVideo } from '../testing/videos.js';
import { ask, Client, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';

/** What each kind of room lets a member do (ROOM_KIND_RULES), enforced before any handler. */
let app: Awaited<ReturnType<typeof startTestApp>>;
let owner: Client;

beforeAll(async () => {
  app = await startTestApp({ WATCH_MAX_MEMBERS: '2' });
  owner = new Client(app.url);
  // The first account administers; as a DJ channel's owner it is its host.
  await owner.call('POST', '/api/auth/signup', { email: 'kinds@example.org', password: 'four uses one server', displayName: 'Host' });
});
afterAll(async () => app?.cleanup());

const newRoom = async (kind: 'voice' | 'dj' | 'watch') => {
  if (kind !== 'watch') return (await owner.call('POST', '/api/rooms', { name: kind, kind })).json.room.id as string;
  // A watch room is a party started from a video.
  const me = (await owner.call('GET', '/api/auth/me')).json.user.id as string;
  const videoId = await readyVideo(app, me, { seconds: 2 });
  return (await owner.call('POST', '/api/parties', { videoId })).json.party.roomId as string;
};

async function member(roomId: string, name: string): Promise<{ socket: TestSocket; send: string; peerId: string }> {
  const socket = await (await quickGuest(app, name)).socket();
  const joined = await ask(socket, 'room:join', { roomId });
  expect(joined.ok).toBe(true);
  const send = await ask(socket, 'sfu:createTransport', { direction: 'send' });
  return { socket, send: send.data?.id, peerId: joined.data.self.peerId };
}

const produce = (socket: TestSocket, transportId: string, kind: 'audio' | 'video', rtpParameters: object) =>
  ask(socket, 'sfu:produce', { transportId, kind, rtpParameters });

describe('a voice room', () => {
  it('gives each person one microphone and no video; a closed microphone frees the place at once', async () => {
    const roomId = await newRoom('voice');
    const host = await owner.socket();
    await ask(host, 'room:join', { roomId });
    const bea = await member(roomId, 'Bea');
    const first = await produce(bea.socket, bea.send, 'audio', opus(1));
    expect(first.ok).toBe(true);
    expect(await produce(bea.socket, bea.send, 'audio', opus(2))).toMatchObject({ ok: false, error: { code: 'limit_exceeded' } });
    expect(await produce(bea.socket, bea.send, 'video', vp8(5555))).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const closed = new Promise((resolve) => host.once('producer:closed', resolve));
    const none = new Promise((resolve) => host.on('peer:updated', (v) => v.peerId === bea.peerId && v.mic === 'none' && resolve(v)));
    expect((await ask(bea.socket, 'sfu:closeProducer', { producerId: first.data.producerId })).ok).toBe(true);
    expect(await closed).toEqual({ producerId: first.data.producerId, peerId: bea.peerId });
    await none;
    expect((await produce(bea.socket, bea.send, 'audio', opus(3))).ok).toBe(true);
    expect(await ask(bea.socket, 'mod:setModerated', { moderated: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    host.close();
    bea.socket.close();
  });
});

describe('a DJ channel', () => {
  it('puts only its host on air (the mix and a talk-over microphone); listeners only listen', async () => {
    const roomId = await newRoom('dj');
    const dj = await owner.socket();
    await ask(dj, 'room:join', { roomId });
    const send = (await ask(dj, 'sfu:createTransport', { direction: 'send' })).data.id;
    expect((await produce(dj, send, 'audio', opus(10))).ok).toBe(true);
    expect((await produce(dj, send, 'audio', opus(11))).ok).toBe(true);
    expect(await produce(dj, send, 'audio', opus(12))).toMatchObject({ ok: false, error: { code: 'limit_exceeded' } });

    const listener = await quickGuest(app, 'Listener');
    const socket = await listener.socket();
    const joined = await ask(socket, 'room:join', { roomId });
    const recv = await ask(socket, 'sfu:createTransport', { direction: 'recv', rtpCapabilities: joined.data.routerRtpCapabilities });
    expect(recv.data.consumers).toHaveLength(2);
    expect(await ask(socket, 'sfu:produce', { transportId: recv.data.id, kind: 'audio', rtpParameters: opus(13) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ask(socket, 'sfu:produceData', { transportId: recv.data.id, sctpStreamParameters: { streamId: 1 } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    dj.close();
    socket.close();
  });
});

describe('a watch party', () => {
  it('has no SFU microphone while its voice is peer to peer, and holds WATCH_MAX_MEMBERS people', async () => {
    const roomId = await newRoom('watch');
    const host = await owner.socket();
    await ask(host, 'room:join', { roomId });
    const send = (await ask(host, 'sfu:createTransport', { direction: 'send' })).data.id;
    expect(await produce(host, send, 'audio', opus(20))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const second = await member(roomId, 'Second');
    const third = await (await quickGuest(app, 'Third')).socket();
    expect(await ask(third, 'room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'room_full' } });
    for (const s of [host, second.socket, third]) s.close();
  });
});
