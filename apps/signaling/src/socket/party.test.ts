import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PARTY, type PartyPresence, type PlaybackState } from '@roomcast/shared';
import { opus } from '../testing/media.js';
import { ask, Client, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';
import { readyVideo } from '../testing/videos.js';

/** Watch parties end to end over real socket.io and HTTP: create, join, PIN, host, commands, chat, files. */
let app: Awaited<ReturnType<typeof startTestApp>>;
let owner: Client;
let ownerId: string;
let videoId: string;
let now = Date.now();
/** An open party without a PIN, kept for the file test. */
let openRoom: string;

beforeAll(async () => {
  app = await startTestApp({}, { clock: () => now });
  owner = new Client(app.url);
  const signup = await owner.call('POST', '/api/auth/signup', { email: 'host@example.org', password: 'popcorn for four people', displayName: 'Host' });
  expect(signup.status, JSON.stringify(signup.json)).toBe(201);
  ownerId = (await owner.call('GET', '/api/auth/me')).json.user.id;
  videoId = await readyVideo(app, ownerId, { title: 'Test pattern', seconds: 30 });
});
afterAll(async () => app?.cleanup());

const createParty = async (body: object = {}) => {
  const res = await owner.call('POST', '/api/parties', { videoId, ...body });
  expect(res.status).toBe(201);
  return res.json.party.roomId as string;
};

const next = <T>(socket: TestSocket, event: string, match: (v: T) => boolean = () => true) =>
  new Promise<T>((resolve) => {
    const on = (v: T) => {
      if (!match(v)) return;
      (socket as any).off(event, on);
      resolve(v);
    };
    (socket as any).on(event, on);
  });

async function join(client: Client, roomId: string, pin?: string) {
  const socket = await client.socket();
  const joined = await ask(socket, 'room:join', { roomId, ...(pin ? { pin } : {}) });
  return { socket, joined };
}

describe('creating a party', () => {
  it('starts from a ready video the caller may watch, with a share link; others learn what the link leads to', async () => {
    const res = await owner.call('POST', '/api/parties', { videoId, pin: '2468' });
    expect(res.status).toBe(201);
    expect(res.json.party).toMatchObject({ name: 'Test pattern', hasPin: true, members: 0, sharePath: `/party/${res.json.party.roomId}` });
    const guest = await quickGuest(app, 'Looker');
    expect((await guest.call('GET', `/api/parties/${res.json.party.roomId}`)).json.party).toMatchObject({ hasPin: true, needsPin: true, name: 'Test pattern' });
    // Someone else's video cannot start a party (indistinguishable from no video).
    expect((await guest.call('POST', '/api/parties', { videoId })).json.error.code).toBe('not_found');
    expect((await owner.call('POST', '/api/parties', { videoId, pin: '12' })).json.error.code).toBe('bad_request');
    expect((await owner.call('POST', '/api/rooms', { name: 'x', kind: 'watch' })).json.error.code).toBe('bad_request');
  });
});

describe('a party', () => {
  it('makes its creator host; members see presence; only controllers command; the role can be handed over and passes on', async () => {
    const roomId = await createParty();
    const host = await join(owner, roomId);
    expect(host.joined.ok).toBe(true);
    const snap = host.joined.data.party;
    expect(snap.video).toMatchObject({ id: videoId, title: 'Test pattern' });
    expect(snap.video.renditions[0].url).toBe(`/api/videos/${videoId}/files/180.mp4`);
    expect(snap.state).toMatchObject({ videoId, paused: true, position: 0, rate: 1 });
    const hostPeer = host.joined.data.self.peerId as string;
    expect(snap.presence).toMatchObject({ hostPeerId: hostPeer, controls: 'host' });

    const bea = await quickGuest(app, 'Bea');
    const seen = next<PartyPresence>(host.socket, 'party:presence', (p) => p.members.length === 2);
    const b = await join(bea, roomId);
    const beaPeer = b.joined.data.self.peerId as string;
    expect((await seen).members.map((m) => m.displayName)).toEqual(['Host', 'Bea']);
    expect(b.joined.data.party.presence.members[1].meshId).toMatch(/^[a-z0-9]{16,40}$/);

    // The host plays: everyone gets the state, effective at the command's time.
    const effectAt = now + PARTY.commandLeadMs;
    const got = next<PlaybackState>(b.socket, 'party:state');
    const played = await ask(host.socket, 'party:command', { id: 'cmd-play-1', action: 'play', effectAt });
    expect(played).toMatchObject({ ok: true, data: { state: { paused: false, at: effectAt, seq: 1, commandId: 'cmd-play-1' } } });
    expect(await got).toEqual(played.data.state);
    // A member may not while controls are locked to the host.
    expect(await ask(b.socket, 'party:command', { id: 'cmd-pause-b', action: 'pause', effectAt })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ask(b.socket, 'party:controls', { controls: 'everyone' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Opened to everyone, it may; a seek past the end lands at the end; a rate beyond the bounds is refused.
    expect((await ask(host.socket, 'party:controls', { controls: 'everyone' })).ok).toBe(true);
    const seek = await ask(b.socket, 'party:command', { id: 'cmd-seek-b', action: 'seek', position: 99, effectAt });
    expect(seek.data.state).toMatchObject({ position: 30, seq: 2 });
    expect(await ask(b.socket, 'party:command', { id: 'cmd-rate-b1', action: 'rate', rate: 8, effectAt })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // Hand-over, then the new host leaves: the role passes back to the one still here.
    const handed = next<PartyPresence>(b.socket, 'party:presence', (p) => p.hostPeerId === beaPeer);
    expect((await ask(host.socket, 'party:handover', { peerId: beaPeer })).ok).toBe(true);
    await handed;
    expect(await ask(host.socket, 'party:controls', { controls: 'host' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const passed = next<PartyPresence>(host.socket, 'party:presence', (p) => p.members.length === 1);
    b.socket.close();
    expect((await passed).hostPeerId).toBe(hostPeer);
    host.socket.close();
  });

  it('answers clock samples and clamps a command time far from now', async () => {
    const roomId = await createParty();
    const host = await join(owner, roomId);
    expect(await ask(host.socket, 'party:time', {})).toEqual({ ok: true, data: { serverTime: now } });
    const late = await ask(host.socket, 'party:command', { id: 'cmd-far-future', action: 'play', effectAt: now + 3_600_000 });
    expect(late.data.state.at).toBe(now + PARTY.effectWindowMs.future);
    host.socket.close();
  });

  it('relays chat and reactions to everyone as sent (rendering is the page\'s), keeps the tail for late joiners, ignores a repeated id; the host deletes a message everywhere', async () => {
    const roomId = (openRoom = await createParty());
    const host = await join(owner, roomId);
    const cid = await join(await quickGuest(app, 'Cid'), roomId);
    const html = '<img src=x onerror=alert(1)><b>hi</b>';
    const heard = next<{ text: string; displayName: string }>(cid.socket, 'party:chat');
    expect((await ask(host.socket, 'party:chat', { id: 'chat-0001', text: html })).ok).toBe(true);
    expect(await heard).toMatchObject({ text: html, displayName: 'Host', peerId: host.joined.data.self.peerId });
    expect((await ask(host.socket, 'party:chat', { id: 'chat-0001', text: html })).ok).toBe(true);
    expect(await ask(host.socket, 'party:chat', { id: 'chat-0002', text: 'x'.repeat(PARTY.chatText.max + 1) })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Reactions: everyone hears the message's new reactions; one per person and emoji; a set, not text.
    const cidId = cid.joined.data.self.userId as string;
    const reacted = next<{ id: string; reactions: object }>(host.socket, 'party:reactions');
    expect((await ask(cid.socket, 'party:react', { id: 'chat-0001', emoji: '🎉', on: true })).data).toEqual({ reactions: { '🎉': [cidId] } });
    expect(await reacted).toEqual({ id: 'chat-0001', reactions: { '🎉': [cidId] } });
    expect((await ask(cid.socket, 'party:react', { id: 'chat-0001', emoji: '🎉', on: true })).data).toEqual({ reactions: { '🎉': [cidId] } });
    expect(await ask(cid.socket, 'party:react', { id: 'chat-0001', emoji: '<b>', on: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ask(cid.socket, 'party:react', { id: 'chat-none1', emoji: '👍', on: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const late = await join(await quickGuest(app, 'Dee'), roomId);
    expect(late.joined.data.party.chat.map((m: { id: string; reactions: object }) => [m.id, m.reactions])).toEqual([['chat-0001', { '🎉': [cidId] }]]);
    // Only the host deletes, for everyone and for later joiners too.
    expect(await ask(cid.socket, 'party:deleteChat', { id: 'chat-0001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const gone = next<{ id: string }>(late.socket, 'party:chatDeleted');
    expect((await ask(host.socket, 'party:deleteChat', { id: 'chat-0001' })).ok).toBe(true);
    expect(await gone).toEqual({ id: 'chat-0001' });
    const eli = await join(await quickGuest(app, 'Eli'), roomId);
    expect(eli.joined.data.party.chat).toEqual([]);
    for (const s of [host.socket, cid.socket, late.socket, eli.socket]) s.close();
  });
});

describe('party reactions', () => {
  it('are limited per person, with the wait in the refusal', async () => {
    const roomId = openRoom;
    const host = await join(owner, roomId);
    expect((await ask(host.socket, 'party:chat', { id: 'chat-react1', text: 'react to me' })).ok).toBe(true);
    const fan = await join(await quickGuest(app, 'Fan'), roomId);
    for (let i = 0; i < PARTY.reactionsPer10s; i++) {
      expect((await ask(fan.socket, 'party:react', { id: 'chat-react1', emoji: '👏', on: i % 2 === 0 })).ok).toBe(true);
    }
    const refused = await ask(fan.socket, 'party:react', { id: 'chat-react1', emoji: '👏', on: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(refused.error.message).toMatch(/try again in \d+ seconds?/);
    // Someone else's reactions are their own.
    expect((await ask(host.socket, 'party:react', { id: 'chat-react1', emoji: '👏', on: true })).ok).toBe(true);
    for (const s of [host.socket, fan.socket]) s.close();
  });
});

describe('party voice', () => {
  it('is peer to peer up to PARTY.meshVoiceMax members and on the SFU past it (one microphone each), for everyone at once', async () => {
    // Its own creator (parties per account are capped).
    const starter = await quickGuest(app, 'Voice host');
    const starterId = (await starter.call('GET', '/api/auth/me')).json.user.id as string;
    const ownVideo = await readyVideo(app, starterId, { seconds: 2 });
    const roomId = (await starter.call('POST', '/api/parties', { videoId: ownVideo })).json.party.roomId as string;
    const host = await join(starter, roomId);
    expect(host.joined.data.party.presence.voice).toBe('mesh');
    const sendOf = async (socket: TestSocket) => (await ask(socket, 'sfu:createTransport', { direction: 'send' })).data.id as string;
    const hostSend = await sendOf(host.socket);
    // Small party: the server carries no voice.
    expect(await ask(host.socket, 'sfu:produce', { transportId: hostSend, kind: 'audio', rtpParameters: opus(31) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Unless a member's peer links failed: then voice goes through the SFU until they work again.
    const viaSfu = next<PartyPresence>(host.socket, 'party:presence', (p) => p.voice === 'sfu');
    expect((await ask(host.socket, 'party:meshFailed', { failed: true })).ok).toBe(true);
    await viaSfu;
    const viaMesh = next<PartyPresence>(host.socket, 'party:presence', (p) => p.voice === 'mesh');
    expect((await ask(host.socket, 'party:meshFailed', { failed: false })).ok).toBe(true);
    await viaMesh;
    const others = [];
    for (let i = 1; i < PARTY.meshVoiceMax; i++) others.push(await join(await quickGuest(app, `Talker ${i}`), roomId));
    expect(others.at(-1)!.joined.data.party.presence.voice).toBe('mesh');
    // One more: everyone is told voice moved to the SFU, and may now put one microphone there.
    const moved = next<PartyPresence>(host.socket, 'party:presence', (p) => p.voice === 'sfu');
    const fifth = await join(await quickGuest(app, 'Fifth'), roomId);
    expect(fifth.joined.data.party.presence.voice).toBe('sfu');
    await moved;
    const mic = await ask(host.socket, 'sfu:produce', { transportId: hostSend, kind: 'audio', rtpParameters: opus(32) });
    expect(mic.ok).toBe(true);
    expect(await ask(host.socket, 'sfu:produce', { transportId: hostSend, kind: 'audio', rtpParameters: opus(33) })).toMatchObject({ ok: false, error: { code: 'limit_exceeded' } });
    // Back to four: back to the mesh for everyone.
    const back = next<PartyPresence>(host.socket, 'party:presence', (p) => p.voice === 'mesh');
    fifth.socket.close();
    expect((await back).members).toHaveLength(PARTY.meshVoiceMax);
    for (const s of [host.socket, ...others.map((o) => o.socket)]) s.close();
  });
});

describe('a PIN', () => {
  it('is asked of everyone but the creator; wrong ones are refused, repeated ones lock out (a right one too) until the lockout ends', async () => {
    const roomId = await createParty({ pin: '13579' });
    const mallory = await quickGuest(app, 'Mallory');
    expect((await join(mallory, roomId)).joined).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'this party needs a PIN' } });
    for (let i = 0; i < PARTY.pinAttemptsPerPerson - 2; i++) {
      expect((await join(mallory, roomId, '0000')).joined).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'wrong PIN' } });
    }
    expect((await join(mallory, roomId, '0001')).joined).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect((await join(mallory, roomId, '13579')).joined).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // Someone else who knows it, and the creator, are not held up by Mallory.
    expect((await join(await quickGuest(app, 'Friend'), roomId, '13579')).joined.ok).toBe(true);
    expect((await join(owner, roomId)).joined.ok).toBe(true);
    now += PARTY.pinLockoutMs + 1;
    expect((await join(mallory, roomId, '13579')).joined.ok).toBe(true);
  });
});

describe('the party\'s video files', () => {
  it('serve byte ranges to members and nothing to others (and one account opens a bounded number of parties)', async () => {
    expect((await owner.call('POST', '/api/parties', { videoId })).json.error.code).toBe('limit_exceeded');
    const roomId = openRoom;
    const eve = await quickGuest(app, 'Eve');
    const url = `${app.url}/api/videos/${videoId}/files/180.mp4`;
    const get = (client: Client, range?: string) => fetch(url, { headers: { cookie: client.cookie, ...(range ? { range } : {}) } });
    expect((await get(eve, 'bytes=0-99')).status).toBe(404);
    const member = await join(eve, roomId);
    const part = await get(eve, 'bytes=0-99');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const beyond = await get(eve, 'bytes=999999999-');
    expect(beyond.status).toBe(416);
    expect((await get(eve, undefined)).headers.get('accept-ranges')).toBe('bytes');
    // Only the video's own outputs are files: anything else, a climb included, is not found.
    expect((await fetch(`${app.url}/api/videos/${videoId}/files/..%2Fx`, { headers: { cookie: eve.cookie } })).status).toBe(404);
    member.socket.close();
  });
});

describe('the PeerJS server', () => {
  /** Opens the PeerJS signalling socket as a page would; resolves with PeerJS's first message or the refusal status. */
  const peerSocket = (client: Client, meshId: string) =>
    new Promise<{ open?: string; status?: number; closed: Promise<void> }>((resolve) => {
      const ws = new WebSocket(`${app.url.replace('http', 'ws')}/peerjs/peerjs?key=peerjs&id=${meshId}&token=tok123`, { headers: { cookie: client.cookie } });
      const closed = new Promise<void>((done) => ws.once('close', () => done()));
      ws.once('message', (data) => resolve({ open: JSON.parse(String(data)).type, closed }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode, closed }));
    });

  it('shares the port, admits a member under its own mesh id only, and closes its link when it leaves the party', async () => {
    const roomId = openRoom;
    const fay = await quickGuest(app, 'Fay');
    const member = await join(fay, roomId);
    const meshId = member.joined.data.party.meshId as string;
    expect((await peerSocket(await quickGuest(app, 'Gus'), meshId)).status).toBe(403);
    expect((await peerSocket(new Client(app.url), meshId)).status).toBe(401);
    expect((await peerSocket(fay, 'notamemberatall0000')).status).toBe(403);
    const link = await peerSocket(fay, meshId);
    expect(link.open).toBe('OPEN');
    expect((await ask(member.socket, 'room:leave', {})).ok).toBe(true);
    await link.closed;
    member.socket.close();
  });
});

describe('the queue', () => {
  it('takes the controllers\' own videos, reorders and removes them, and `next` moves the whole party on', async () => {
    const roomId = openRoom;
    const host = await join(owner, roomId);
    // The earlier test's members may still be on their way out; the role passes to the host then.
    const self = host.joined.data.self.peerId as string;
    if (host.joined.data.party.presence.hostPeerId !== self) await next<PartyPresence>(host.socket, 'party:presence', (p) => p.hostPeerId === self);
    const ida = await quickGuest(app, 'Ida');
    const member = await join(ida, roomId);
    const second = await readyVideo(app, ownerId, { title: 'Second', seconds: 2 });
    const third = await readyVideo(app, ownerId, { title: 'Third', seconds: 2 });
    const heard = next<{ queue: { videoId: string }[] }>(member.socket, 'party:queue', (q) => q.queue.length === 2);
    expect((await ask(host.socket, 'party:queue', { op: 'add', videoId: second })).data.queue).toEqual([{ videoId: second, title: 'Second' }]);
    expect((await ask(host.socket, 'party:queue', { op: 'add', videoId: third })).ok).toBe(true);
    expect((await heard).queue.map((q) => q.videoId)).toEqual([second, third]);
    // A member may not while controls are locked, and nobody may queue a video they cannot watch.
    expect(await ask(member.socket, 'party:queue', { op: 'remove', videoId: second })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await ask(host.socket, 'party:controls', { controls: 'everyone' })).ok).toBe(true);
    expect(await ask(member.socket, 'party:queue', { op: 'add', videoId: 'noSuchVideo1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await ask(member.socket, 'party:queue', { op: 'move', videoId: third, index: 0 })).data.queue.map((q: { videoId: string }) => q.videoId)).toEqual([third, second]);
    // Members may fetch what is queued, not only what plays.
    const file = await fetch(`${app.url}/api/videos/${second}/files/180.mp4`, { headers: { cookie: ida.cookie, range: 'bytes=0-9' } });
    expect(file.status).toBe(206);
    const moved = next<{ video: { id: string }; state: { videoId: string; position: number; paused: boolean } }>(member.socket, 'party:video');
    expect((await ask(host.socket, 'party:queue', { op: 'next' })).data.queue).toEqual([{ videoId: second, title: 'Second' }]);
    expect(await moved).toMatchObject({ video: { id: third }, state: { videoId: third, position: 0, paused: false } });
    expect((await ask(host.socket, 'party:queue', { op: 'remove', videoId: second })).data.queue).toEqual([]);
    expect(await ask(host.socket, 'party:queue', { op: 'next' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    host.socket.close();
    member.socket.close();
  });
});
