import type { UserView } from '@roomcast/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeConnectionDeps, FakeSocket, ok, peer, until } from './testing/fake-server';
import { ListenerRoom } from './listener-room';
import { closedMessage } from './membership';

/**
 * The room connection every use shares, driven through the smallest use (a listener): pushes
 * and answers checked against their schemas, the session's end, the room's close.
 */

const rooms: ListenerRoom[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.close();
  vi.restoreAllMocks();
});

function setup(options: { onSessionEnded?(reason: string): void; onSessionUpdated?(user: UserView): void } = {}) {
  const socket = new FakeSocket([{ producerId: 'bob-mic', peerId: 'bob', kind: 'audio', paused: false }]);
  const waits: number[] = [];
  const room = new ListenerRoom('r1', fakeConnectionDeps(socket, [], waits), options);
  rooms.push(room);
  const state = () => room.getSnapshot();
  return { room, socket, waits, state };
}

describe('RoomConnection', () => {
  it('drops a push that does not fit its schema with a warning, and keeps working', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { room, socket, state } = setup();
    room.start();
    await until(state, (s) => s.status === 'connected' && s.remoteAudio.length === 1);

    socket.fire('peer:joined', { peerId: 42 });
    socket.fire('consumer:new', { consumers: [{ consumerId: 'x' }] });
    socket.fire('producer:closed', null);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/dropped a malformed peer:joined push/),
      expect.stringMatching(/dropped a malformed consumer:new push/),
      expect.stringMatching(/dropped a malformed producer:closed push/),
    ]);
    expect(state().peers.map((p) => p.peerId)).toEqual(['bob']);
    expect(state().remoteAudio).toHaveLength(1);

    // A well-formed push right after is taken as usual.
    socket.fire('peer:joined', peer('carol'));
    expect(state().peers.map((p) => p.peerId)).toEqual(['bob', 'carol']);
  });

  it('refuses an answer that does not fit its schema as bad_response, retries the join, then says so', async () => {
    const { room, socket, waits, state } = setup();
    socket.script.set('room:join', () => ok({ room: { id: 'r1' }, self: 'me' }));
    room.start();
    const s = await until(state, (x) => x.status === 'failed');
    expect(s.error?.code).toBe('bad_response');
    expect(socket.events('room:join')).toHaveLength(6);
    expect(waits).toHaveLength(5);
    // Jittered: each wait lies between half of its exponential ceiling and the ceiling.
    waits.forEach((ms, i) => expect(ms).toBe(Math.min(8_000, 500 * 2 ** i) * 0.75));
  });

  it('on session:ended shows it, tells the session, and does not reconnect when the server hangs up', async () => {
    const ended: string[] = [];
    const { room, socket, state } = setup({ onSessionEnded: (reason) => ended.push(reason) });
    room.start();
    await until(state, (s) => s.status === 'connected');

    socket.fire('session:ended', { reason: 'signed out' });
    expect(state()).toMatchObject({ status: 'closed', error: { code: 'unauthenticated' }, remoteAudio: [], self: null });
    expect(state().message).toMatch(/signed out/);
    expect(ended).toEqual(['signed out']);

    let reconnects = 0;
    socket.connect = () => void reconnects++;
    socket.connected = false;
    socket.fire('disconnect', 'io server disconnect');
    room.retry();
    await Promise.resolve();
    expect(reconnects).toBe(0);
    expect(state().status).toBe('closed');
  });

  it('passes session:updated on to the session', async () => {
    const users: UserView[] = [];
    const { room, socket, state } = setup({ onSessionUpdated: (user) => users.push(user) });
    room.start();
    await until(state, (s) => s.status === 'connected');
    const user: UserView = { id: 'u-me', email: null, displayName: 'me', role: 'broadcaster', isGuest: false, emailConfirmed: false };
    socket.fire('session:updated', { user });
    expect(users).toEqual([user]);
  });

  it('shows room:closed as closed for good: no retry, no rejoin', async () => {
    const { room, socket, state } = setup();
    room.start();
    await until(state, (s) => s.status === 'connected');
    socket.fire('room:closed', { reason: 'the room was closed by its owner' });
    expect(state()).toMatchObject({ status: 'closed', message: 'This room was closed by its owner.', remoteAudio: [] });
    expect(closedMessage('expired: empty for 10 minutes')).toBe('This room was closed (expired: empty for 10 minutes).');
    expect(closedMessage('')).toBe('This room was closed.');
    room.retry();
    socket.fire('room:rejoin', { reason: 'late reset' });
    await Promise.resolve();
    expect(socket.joins).toBe(1);
  });

  it('takes over a join the entry already sent on its socket, and joins by itself after that', async () => {
    const socket = new FakeSocket([{ producerId: 'bob-mic', peerId: 'bob', kind: 'audio', paused: false }]);
    // What the early join got back: the fake server's own answer, asked for before the room's code ran.
    const early = new Promise<unknown>((resolve) => socket.emit('room:join', { roomId: 'r1' }, resolve));
    socket.sent.length = 0;
    const asked: string[] = [];
    const deps = { ...fakeConnectionDeps(socket), earlyJoin: (roomId: string) => (asked.push(roomId), asked.length === 1 ? early : null) };
    const room = new ListenerRoom('r1', deps);
    rooms.push(room);
    room.start();
    await until(() => room.getSnapshot(), (s) => s.status === 'connected' && s.remoteAudio.length === 1);
    expect(socket.events('room:join')).toHaveLength(0);
    expect(asked).toEqual(['r1']);

    socket.fire('room:rejoin', { reason: 'reset' });
    await until(() => room.getSnapshot(), (s) => s.status === 'connected' && socket.events('room:join').length === 1);
  });

  it('shows a server protocol:error as a notice', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { room, socket, state } = setup();
    room.start();
    await until(state, (s) => s.status === 'connected');
    socket.fire('protocol:error', { event: 'sfu:produce', error: { code: 'forbidden', message: 'listeners cannot produce' } });
    expect(state().notice).toMatch(/listeners cannot produce/);
  });
});
