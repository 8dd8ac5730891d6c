import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opus } from '../testing/media.js';
import { ask, Client, startTestApp, type TestSocket } from '../testing/test-app.js';

/** Mic state, moderation and room limits over real socket.io, with a real mediasoup worker. */
let app: Awaited<ReturnType<typeof startTestApp>>;
let owner: Client;
/** The app's clock: bans end when the test moves it, not after a real wait. */
let now = Date.now();

beforeAll(async () => {
  app = await startTestApp({ ROOM_MAX_PARTICIPANTS: '3', ROOM_BAN_SECONDS: '600' }, { clock: () => now });
  owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'mod@example.org', password: 'moderation matters', displayName: 'Mod' });
});
afterAll(async () => app?.cleanup());

async function newRoom(name: string): Promise<string> {
  return (await owner.call('POST', '/api/rooms', { name })).json.room.id;
}

async function guest(name: string): Promise<{ client: Client; socket: TestSocket }> {
  const client = new Client(app.url);
  await client.call('POST', '/api/auth/guest', { displayName: name });
  return { client, socket: await client.socket() };
}

/** Joins and publishes a microphone; resolves with the peer and producer ids. */
async function joinAndSpeak(socket: TestSocket, roomId: string): Promise<{ peerId: string; producerId: string }> {
  const joined = await ask(socket, 'room:join', { roomId });
  expect(joined.ok).toBe(true);
  const send = await ask(socket, 'sfu:createTransport', { direction: 'send' });
  const produced = await ask(socket, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(11_111_111) });
  expect(produced.ok).toBe(true);
  return { peerId: joined.data.self.peerId, producerId: produced.data.producerId };
}

/** The SFU's view of one producer, through the control surface as any caller sees it. */
async function sfuProducer(roomId: string, producerId: string) {
  const room = await app.sfu.request('room.inspect', { roomId });
  return room.peers.flatMap((p) => p.producers).find((p) => p.id === producerId);
}

/** The next peer:updated about `peerId` that satisfies `match`. */
function updated(socket: TestSocket, peerId: string, match: (view: any) => boolean): Promise<any> {
  return new Promise((resolve) => {
    const listener = (view: any) => {
      if (view.peerId !== peerId || !match(view)) return;
      socket.off('peer:updated', listener);
      resolve(view);
    };
    socket.on('peer:updated', listener);
  });
}

describe('mic state is known to the server', () => {
  it('tells everyone, the speaker too, when a microphone goes live, mutes and unmutes', async () => {
    const roomId = await newRoom('Mics');
    const mod = await owner.socket();
    await ask(mod, 'room:join', { roomId });
    const bea = await guest('Bea');
    const seenLive = new Promise<any>((resolve) => mod.on('peer:updated', (v) => v.mic === 'live' && resolve(v)));
    const { peerId, producerId } = await joinAndSpeak(bea.socket, roomId);
    expect(await seenLive).toMatchObject({ peerId, mic: 'live', moderatorMuted: false });

    const bothSee = Promise.all([updated(mod, peerId, (v) => v.mic === 'muted'), updated(bea.socket, peerId, (v) => v.mic === 'muted')]);
    expect((await ask(bea.socket, 'sfu:pauseProducer', { producerId })).ok).toBe(true);
    await bothSee;
    const late = await guest('Late');
    const joined = await ask(late.socket, 'room:join', { roomId });
    expect(joined.data.peers.find((p: any) => p.peerId === peerId)).toMatchObject({ mic: 'muted' });
    expect(joined.data.producers.find((p: any) => p.producerId === producerId)).toMatchObject({ paused: true });

    const live = updated(mod, peerId, (v) => v.mic === 'live');
    expect((await ask(bea.socket, 'sfu:resumeProducer', { producerId })).ok).toBe(true);
    await live;
    for (const s of [mod, bea.socket, late.socket]) s.close();
  });
});

describe('moderation', () => {
  it('only the owner moderates; a server mute pauses the producer and, in a moderated room, sticks until allowed', async () => {
    const roomId = await newRoom('Moderated');
    const mod = await owner.socket();
    const modJoin = await ask(mod, 'room:join', { roomId });
    const cat = await guest('Cat');
    const { peerId, producerId } = await joinAndSpeak(cat.socket, roomId);

    expect(await ask(cat.socket, 'mod:mutePeer', { peerId: modJoin.data.self.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ask(cat.socket, 'mod:setModerated', { moderated: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const told = new Promise<any>((resolve) => cat.socket.once('room:moderation', resolve));
    expect((await ask(mod, 'mod:setModerated', { moderated: true })).ok).toBe(true);
    expect(await told).toEqual({ moderated: true });

    const catTold = updated(cat.socket, peerId, (v) => v.moderatorMuted);
    expect((await ask(mod, 'mod:mutePeer', { peerId })).ok).toBe(true);
    expect(await catTold).toMatchObject({ mic: 'muted', moderatorMuted: true });
    expect((await sfuProducer(roomId, producerId))?.paused).toBe(true);

    expect(await ask(cat.socket, 'sfu:resumeProducer', { producerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await sfuProducer(roomId, producerId))?.paused).toBe(true);

    // A rejoin does not escape the mute: the new microphone starts paused.
    const rejoined = await joinAndSpeak(cat.socket, roomId);
    expect((await sfuProducer(roomId, rejoined.producerId))?.paused).toBe(true);

    const allowed = updated(cat.socket, rejoined.peerId, (v) => !v.moderatorMuted);
    expect((await ask(mod, 'mod:allowUnmute', { peerId: rejoined.peerId })).ok).toBe(true);
    await allowed;
    expect((await ask(cat.socket, 'sfu:resumeProducer', { producerId: rejoined.producerId })).ok).toBe(true);
    expect((await sfuProducer(roomId, rejoined.producerId))?.paused).toBe(false);
    mod.close();
    cat.socket.close();
  });

  it('removes a person: they are told, disconnected from the room, and refused until the ban expires', async () => {
    const roomId = await newRoom('Removal');
    const mod = await owner.socket();
    const modJoin = await ask(mod, 'room:join', { roomId });
    const dan = await guest('Dan');
    const { peerId } = await joinAndSpeak(dan.socket, roomId);

    expect(await ask(dan.socket, 'mod:removePeer', { peerId: modJoin.data.self.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ask(mod, 'mod:removePeer', { peerId: modJoin.data.self.peerId })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const removed = new Promise<any>((resolve) => dan.socket.once('room:removed', resolve));
    const left = new Promise<any>((resolve) => mod.once('peer:left', resolve));
    const answer = await ask(mod, 'mod:removePeer', { peerId });
    expect(answer.ok).toBe(true);
    expect((await removed).bannedUntil).toBe(answer.data.bannedUntil);
    expect(await left).toEqual({ peerId });
    const sfuRoom = await app.sfu.request('room.inspect', { roomId });
    expect(sfuRoom.peers.map((p) => p.peerId)).not.toContain(peerId);
    expect(await ask(dan.socket, 'sfu:createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'not_in_room' } });

    const refused = await ask(dan.socket, 'room:join', { roomId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'banned' } });
    // A new connection of the same account is refused too: the ban follows the account.
    const again = await dan.client.socket();
    expect(await ask(again, 'room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'banned' } });

    // ROOM_BAN_SECONDS=600 here: a second before it ends the door is shut, once it ends it opens.
    const until = Date.parse(answer.data.bannedUntil);
    expect(until).toBe(now + 600_000);
    now = until - 1_000;
    expect(await ask(again, 'room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'banned' } });
    now = until;
    expect((await ask(again, 'room:join', { roomId })).ok).toBe(true);
    for (const s of [mod, dan.socket, again]) s.close();
  });
});

describe('who moderates', () => {
  it('a room’s owner without any role, and an admin in a room they do not own; nobody else', async () => {
    const ola = new Client(app.url);
    await ola.call('POST', '/api/auth/signup', { email: 'ola@example.org', password: 'owner not admin', displayName: 'Ola' });
    const roomId = (await ola.call('POST', '/api/rooms', { name: 'Ola’s' })).json.room.id;
    const [olaSocket, adminSocket] = await Promise.all([ola.socket(), owner.socket()]);
    const eve = await guest('Eve');
    await ask(olaSocket, 'room:join', { roomId });
    await ask(adminSocket, 'room:join', { roomId });
    const { peerId } = await joinAndSpeak(eve.socket, roomId);

    expect((await ask(olaSocket, 'mod:mutePeer', { peerId })).ok).toBe(true);
    expect((await ask(adminSocket, 'mod:allowUnmute', { peerId })).ok).toBe(true);
    expect(await ask(eve.socket, 'mod:setModerated', { moderated: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The admin may remove people, but not the room's owner.
    const olaPeer = (await ask(eve.socket, 'room:join', { roomId })).data.peers.find((p: any) => p.displayName === 'Ola').peerId;
    expect(await ask(adminSocket, 'mod:removePeer', { peerId: olaPeer })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    for (const s of [olaSocket, adminSocket, eve.socket]) s.close();
  });
});

describe('room limits', () => {
  it('refuses the participant after ROOM_MAX_PARTICIPANTS with room_full', async () => {
    const roomId = await newRoom('Small');
    const sockets = await Promise.all(['A', 'B', 'C', 'D'].map(async (n) => (await guest(n)).socket));
    for (const s of sockets.slice(0, 3)) expect((await ask(s, 'room:join', { roomId })).ok).toBe(true);
    expect(await ask(sockets[3]!, 'room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'room_full' } });
    sockets[0]!.close();
    await new Promise((resolve) => sockets[1]!.once('peer:left', resolve));
    expect((await ask(sockets[3]!, 'room:join', { roomId })).ok).toBe(true);
    for (const s of sockets) s.close();
  });
});
