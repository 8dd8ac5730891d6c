import { testFakeParameters } from 'mediasoup-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PARTY, SYNC, type MeshMessage, type PartyMember, type PartyPresence, type PartySnapshot } from '@roomcast/shared';
import { consumerFor, fail, fakeConnectionDeps, fakeTrack, FakeSocket, ok, peer, until } from '../room/testing/fake-server';
import type { MeshEvents } from './mesh';
import { PartyRoom, type MeshFactory } from './party-room';

/** The party client against a scripted server and a fake mesh: which states and messages it takes. */

const member = (name: string, mesh: string): PartyMember => ({ peerId: name, userId: `u-${name}`, displayName: name, meshId: mesh.padEnd(16, '0') });
const ME = member('me', 'm2');
const HOST = member('bob', 'm1');
const GUEST = member('cy', 'm3');

function snapshot(): PartySnapshot {
  return {
    video: { id: 'v1', title: 'Clip', durationMs: 60_000, width: 320, height: 180, posterUrl: null, thumbnailsUrl: null, renditions: [], subtitles: [] },
    state: { videoId: 'v1', paused: true, rate: 1, position: 0, at: 1_000, seq: 3 },
    presence: { rev: 7, hostPeerId: 'bob', controls: 'host', members: [HOST, ME, GUEST], voice: 'mesh' },
    queue: [],
    chat: [],
    meshId: ME.meshId,
    serverTime: Date.now(),
  };
}

/** The server pushes `presence` while it answers our join: the push reaches the page first. */
function pushDuringJoin(socket: ReturnType<typeof setup>['socket'], presence: PartyPresence): void {
  const answer = socket.script.get('room:join')!;
  socket.script.set('room:join', (...args: Parameters<typeof answer>) => {
    socket.fire('party:presence', presence);
    return answer(...args);
  });
}

const rooms: PartyRoom[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.close();
});

function setup(pin?: string) {
  const socket = new FakeSocket();
  socket.room = { ...socket.room, kind: 'watch' };
  socket.script.set('room:join', () =>
    ok({ room: socket.room, self: peer('me'), peers: [peer('bob'), peer('cy')], producers: [], routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(), moderated: false, activeSpeakerId: null, party: snapshot() }),
  );
  socket.script.set('party:time', () => ok({ serverTime: Date.now() }));
  const mesh = { members: [] as string[][], sent: [] as MeshMessage[], events: null as MeshEvents | null, closed: 0, voice: [] as (MediaStreamTrack | null)[] };
  const factory: MeshFactory = (_self, _ice, events) => {
    mesh.events = events;
    return {
      setMembers: (members) => void mesh.members.push(members.map((m) => m.peerId)),
      broadcast: (message) => (mesh.sent.push(message), []),
      cutLinks: () => undefined,
      sendVoice: (track) => void mesh.voice.push(track),
      close: () => void mesh.closed++,
    };
  };
  const mic = fakeTrack();
  const room = new PartyRoom('r1', pin, { ...fakeConnectionDeps(socket), getMicrophone: async () => mic }, factory);
  rooms.push(room);
  room.start();
  return { room, socket, mesh, mic, state: () => room.getSnapshot() };
}

const joined = (get: () => ReturnType<PartyRoom['getSnapshot']>) => until(get, (s) => s.status === 'connected' && s.clockRttMs !== null);

describe('PartyRoom', () => {
  it('joins with the PIN, shows the party, samples the clock and builds the mesh from the presence list', async () => {
    const { socket, mesh, state } = setup('2468');
    const s = await joined(state);
    expect(socket.events('room:join')[0]!.payload).toEqual({ roomId: 'r1', pin: '2468' });
    expect(s.party?.video.title).toBe('Clip');
    expect(socket.events('party:time')).toHaveLength(SYNC.timeSamples);
    expect(mesh.members).toEqual([['bob', 'me', 'cy']]);
  });

  it('a presence push that beats the join answer (another member entered meanwhile) is the list the mesh and the page keep', async () => {
    const { socket, mesh, state } = setup();
    pushDuringJoin(socket, { ...snapshot().presence, rev: 8, members: [HOST, ME, GUEST, member('dee', 'm4')] });
    const s = await joined(state);
    expect(mesh.members.at(-1)).toEqual(['bob', 'me', 'cy', 'dee']);
    expect(s.party?.presence.members.map((m) => m.peerId)).toEqual(['bob', 'me', 'cy', 'dee']);
  });

  it('a late push older than the list it has (from before a rejoin, or crossing the answer) changes nothing', async () => {
    const { socket, mesh, state } = setup();
    const gone = member('old', 'm9');
    pushDuringJoin(socket, { ...snapshot().presence, rev: 6, members: [HOST, ME, GUEST, gone] });
    const s = await joined(state);
    socket.fire('party:presence', { ...snapshot().presence, rev: 5, members: [HOST, gone] });
    expect(mesh.members).toEqual([['bob', 'me', 'cy']]);
    expect(s.party?.presence.members.map((m) => m.peerId)).toEqual(['bob', 'me', 'cy']);
    expect(state().party?.presence.rev).toBe(7);
  });

  it('takes a mesh command early only from a member allowed to control, once, and lets the server\'s copy confirm or replace it', async () => {
    const { socket, mesh, state } = setup();
    await joined(state);
    const effectAt = Date.now() + 200;
    const command = (id: string) => ({ type: 'command' as const, command: { id, action: 'play' as const, effectAt }, seq: 3 });
    mesh.events!.message(GUEST.meshId, command('cmd-from-cy'));
    expect(state().party?.state.seq).toBe(3);
    mesh.events!.message(HOST.meshId, command('cmd-from-bob'));
    expect(state().party?.state).toMatchObject({ paused: false, seq: 4, commandId: 'cmd-from-bob', at: effectAt });
    // Repeated, or made from another state: ignored.
    mesh.events!.message(HOST.meshId, command('cmd-from-bob'));
    mesh.events!.message(HOST.meshId, { type: 'command', command: { id: 'cmd-old-state', action: 'pause', effectAt }, seq: 2 });
    expect(state().party?.state.commandId).toBe('cmd-from-bob');
    // The server ordered another command first: its word wins.
    socket.fire('party:state', { videoId: 'v1', paused: true, rate: 1, position: 7, at: effectAt - 100, seq: 4, commandId: 'cmd-server' });
    expect(state().party?.state).toMatchObject({ position: 7, commandId: 'cmd-server' });
  });

  it('bounds a mesh command as the server would, and takes the server\'s copy when it still differs', async () => {
    const { socket, mesh, state } = setup();
    await joined(state);
    const far = Date.now() + 3_600_000;
    mesh.events!.message(HOST.meshId, { type: 'command', command: { id: 'cmd-far-away', action: 'play', effectAt: far }, seq: 3 });
    const early = state().party!.state;
    expect(early.at).toBeLessThan(far);
    expect(early.at - Date.now()).toBeLessThanOrEqual(PARTY.effectWindowMs.future + 50);
    socket.fire('party:state', { ...early, at: early.at - 10 });
    expect(state().party?.state.at).toBe(early.at - 10);
  });

  it('applies its own command at once, tells the mesh and the server, and falls back to the server\'s state when refused', async () => {
    const { room, socket, mesh, state } = setup();
    await joined(state);
    socket.script.set('party:command', () => fail('forbidden', 'the host has locked playback controls'));
    const done = room.command({ action: 'seek', position: 12 });
    expect(state().party?.state).toMatchObject({ position: 12, seq: 4 });
    expect(mesh.sent[0]).toMatchObject({ type: 'command', seq: 3, command: { action: 'seek', position: 12 } });
    await done;
    expect(socket.events('party:command')).toHaveLength(1);
    expect(state().party?.state).toMatchObject({ position: 0, seq: 3 });
    expect(state().notice).toMatch(/locked/);
  });

  it('shows what each member says of its own sync error', async () => {
    const { mesh, state } = setup();
    await joined(state);
    mesh.events!.message(GUEST.meshId, { type: 'status', driftMs: -4.5 });
    expect(state().memberDrift).toEqual({ [GUEST.meshId]: -4.5 });
  });

  it('shows mesh chat under the server-known name, once even when the server\'s copy follows', async () => {
    const { socket, mesh, state } = setup();
    await joined(state);
    mesh.events!.message(GUEST.meshId, { type: 'chat', id: 'chat-00001', text: '<b>hi</b>', at: 5 });
    mesh.events!.message('stranger00000000', { type: 'chat', id: 'chat-00002', text: 'spoof', at: 5 });
    socket.fire('party:chat', { id: 'chat-00001', peerId: 'cy', displayName: 'cy', text: '<b>hi</b>', at: 6 });
    expect(state().party?.chat).toEqual([{ id: 'chat-00001', peerId: 'cy', displayName: 'cy', text: '<b>hi</b>', at: 5 }]);
  });

  it('reacts at once, over the mesh and through the server (whose answer counts); takes mesh reactions from members only', async () => {
    const { room, socket, mesh, state } = setup();
    await joined(state);
    socket.fire('party:chat', { id: 'chat-00001', peerId: 'cy', displayName: 'cy', text: 'hi', at: 6 });
    socket.script.set('party:react', () => ok({ reactions: { '👍': ['u-me', 'u-bob'] } }));
    const me = state().self!.userId;
    const asked = room.react('chat-00001', '👍');
    expect(state().party?.chat[0]?.reactions).toEqual({ '👍': [me] });
    expect(mesh.sent).toContainEqual({ type: 'react', id: 'chat-00001', emoji: '👍', on: true });
    await asked;
    expect(socket.events('party:react').map((e) => e.payload)).toEqual([{ id: 'chat-00001', emoji: '👍', on: true }]);
    expect(state().party?.chat[0]?.reactions).toEqual({ '👍': ['u-me', 'u-bob'] });
    mesh.events!.message(GUEST.meshId, { type: 'react', id: 'chat-00001', emoji: '🎉', on: true });
    mesh.events!.message('stranger00000000', { type: 'react', id: 'chat-00001', emoji: '😂', on: true });
    expect(state().party?.chat[0]?.reactions).toEqual({ '👍': ['u-me', 'u-bob'], '🎉': ['u-cy'] });
    socket.fire('party:reactions', { id: 'chat-00001', reactions: {} });
    expect(state().party?.chat[0]?.reactions).toEqual({});
  });

  it('ends at once with the server\'s words on a wrong PIN, without retrying', async () => {
    const { socket, state } = setup('0000');
    socket.script.set('room:join', () => fail('forbidden', 'wrong PIN'));
    const s = await until(state, (x) => x.status === 'failed');
    expect(s.message).toBe('wrong PIN');
    expect(socket.events('room:join')).toHaveLength(1);
  });

  it('talks over the mesh while the party is small, moves to the SFU when the server says so (hanging up the mesh only then), and back; mute disables the capture', async () => {
    const { room, socket, mesh, mic, state } = setup();
    await joined(state);
    // Opt-in: nothing is captured or sent until the person joins the voice chat.
    expect(state()).toMatchObject({ voiceOn: false, voiceMode: 'mesh', mic: 'pending' });
    expect(mesh.voice).toEqual([]);
    room.voice.join();
    // Small party: the capture goes to the mesh, nothing to the SFU.
    await until(() => mesh.voice, (v) => v.length === 1);
    expect(mesh.voice[0]).toBe(mic);
    expect(state()).toMatchObject({ voiceMode: 'mesh', mic: 'live' });
    expect(socket.events('sfu:produce')).toHaveLength(0);
    // Mute disables the capture (silence on every call); unmute enables it again.
    room.voice.mic.setMuted(true);
    expect([state().mic, mic.enabled]).toEqual(['muted', false]);
    room.voice.mic.setMuted(false);
    expect([state().mic, mic.enabled]).toEqual(['live', true]);
    // What members say over the mesh is shown.
    mesh.events!.audio?.({ [GUEST.meshId]: {} as MediaStream });
    expect(Object.keys(state().meshAudio)).toEqual([GUEST.meshId]);
    // A fifth member: the server moves voice to the SFU; the microphone is produced, then the mesh hangs up.
    const five = [HOST, ME, GUEST, member('dee', 'm4'), member('eve', 'm5')];
    socket.fire('party:presence', { rev: 8, hostPeerId: 'bob', controls: 'host', members: five, voice: 'sfu' });
    await until(() => mesh.voice, (v) => v.length === 2);
    expect(mesh.voice[1]).toBeNull();
    expect(socket.events('sfu:produce')).toHaveLength(1);
    expect(socket.names().indexOf('sfu:produce')).toBeGreaterThan(socket.names().indexOf('sfu:createTransport'));
    expect(state()).toMatchObject({ voiceMode: 'sfu', mic: 'live' });
    // Bob talks through the SFU.
    mesh.events!.audio?.({});
    socket.fire('consumer:new', { consumers: [consumerFor({ producerId: 'bob-mic', peerId: 'bob', kind: 'audio', paused: false })] });
    await until(state, (s) => s.remoteAudio.length === 1);
    // Back to four: the mesh calls first; the microphone leaves the SFU only once Bob is heard over the mesh.
    socket.fire('party:presence', { rev: 9, hostPeerId: 'bob', controls: 'host', members: five.slice(0, 4), voice: 'mesh' });
    await until(() => mesh.voice, (v) => v.length === 3);
    expect(mesh.voice[2]).toBe(mic);
    expect(socket.events('sfu:closeProducer')).toHaveLength(0);
    expect(state().remoteAudio).toHaveLength(1);
    mesh.events!.audio?.({ [HOST.meshId]: {} as MediaStream });
    await until(() => socket.events('sfu:closeProducer'), (e) => e.length === 1);
    expect(state().voiceMode).toBe('mesh');
  });

  it('tells the server when its peer links fail and when they all work again, once each', async () => {
    const { socket, mesh, state } = setup();
    await joined(state);
    mesh.events!.links({ [HOST.meshId]: 'direct', [GUEST.meshId]: 'server' }, {});
    mesh.events!.links({ [HOST.meshId]: 'server', [GUEST.meshId]: 'server' }, {});
    await until(() => socket.events('party:meshFailed'), (e) => e.length === 1);
    mesh.events!.links({ [HOST.meshId]: 'direct', [GUEST.meshId]: 'direct' }, {});
    await until(() => socket.events('party:meshFailed'), (e) => e.length === 2);
    expect(socket.events('party:meshFailed').map((e) => e.payload)).toEqual([{ failed: true }, { failed: false }]);
  });
});
