import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryModerationStore } from '../rooms/memory-moderation-store.js';
import { SfuGates } from '../testing/gates.js';
import { opus } from '../testing/media.js';
import { ask, Client, startTestApp, type TestSocket } from '../testing/test-app.js';

/**
 * Join/leave races, each interleaving forced with a gate on the SFU control (no sleeps), then
 * checked where it matters: the SFU holds nothing of the departed peer (`room.inspect`) and the
 * live store does not count it.
 */
let app: Awaited<ReturnType<typeof startTestApp>>;
let owner: Client;
const gates = new SfuGates();

/** The moderation store a join reads right after the database, held once on demand. */
class HeldModeration extends MemoryModerationStore {
  #hold: { arrived: () => void; waiting: Promise<void> } | undefined;

  holdNextView(): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const waiting = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    this.#hold = { arrived, waiting };
    return { arrived: reached, release };
  }

  override async view(roomId: string, userId: string) {
    const hold = this.#hold;
    this.#hold = undefined;
    if (hold) {
      hold.arrived();
      await hold.waiting;
    }
    return super.view(roomId, userId);
  }
}
const moderation = new HeldModeration(600_000);

beforeAll(async () => {
  app = await startTestApp({}, { wrapSfu: gates.wrap, moderation });
  owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'races@example.org', password: 'interleavings hurt', displayName: 'Owner' });
});
afterAll(async () => app?.cleanup());

const newRoom = async (name: string): Promise<string> => (await owner.call('POST', '/api/rooms', { name })).json.room.id;

async function guest(name: string): Promise<TestSocket> {
  const client = new Client(app.url);
  await client.call('POST', '/api/auth/guest', { displayName: name });
  return client.socket();
}

/** Closes the client and resolves once the server has finished everything queued for it. */
function disconnect(socket: TestSocket): Promise<void> {
  const id = socket.id!;
  const closed = new Promise<void>((resolve) => {
    const listener = (socketId: string) => {
      if (socketId !== id) return;
      app.sockets.events.off('closed', listener);
      resolve();
    };
    app.sockets.events.on('closed', listener);
  });
  socket.close();
  return closed;
}

/** The server saw the disconnect (the request in flight is still held at its gate). */
function serverSawDisconnect(socket: TestSocket): Promise<void> {
  const server = app.io.sockets.sockets.get(socket.id!)!;
  return new Promise((resolve) => server.once('disconnect', () => resolve()));
}

/** One round trip: every push the server sent this connection before it has arrived. */
const flush = (socket: TestSocket) => ask(socket, 'sfu:resumeConsumers', { consumerIds: [] });

const peersInStore = async (roomId: string) => ((await app.live.room(roomId))?.peers ?? []).map((p) => p.view.peerId);
const inspect = (roomId: string) => app.sfu.request('room.inspect', { roomId });

describe('a connection that goes away mid-request leaves nothing behind', () => {
  it('disconnecting while room:join waits for room.open: no ghost peer, and the empty room’s router closes', async () => {
    const roomId = await newRoom('Ghost');
    const lone = await guest('Lone');
    const gate = gates.hold('room.open');
    const answer = ask(lone, 'room:join', { roomId }).catch(() => 'no answer');
    await gate.arrived;
    // The join has taken its place in the store and now waits for the SFU.
    expect(await peersInStore(roomId)).toHaveLength(1);
    const saw = serverSawDisconnect(lone);
    const closed = disconnect(lone);
    await saw;
    gate.release();
    await Promise.all([closed, gate.settled]);
    expect(await answer).toBe('no answer');
    expect(await peersInStore(roomId)).toEqual([]);
    expect((await app.live.participants([roomId])).get(roomId)).toBe(0);
    expect(await inspect(roomId)).toMatchObject({ open: false, peers: [] });
  });

  /**
   * `leaver` sends `request` (held at the SFU's `method`) and disconnects while it is held; the
   * hold is released once the server saw the disconnect. Resolves after all of it has settled.
   */
  async function departDuring(roomId: string, leaver: TestSocket, peerId: string, method: 'transport.create' | 'producer.create', request: () => Promise<unknown>) {
    const gate = gates.hold(method);
    void request().catch(() => undefined);
    await gate.arrived;
    const saw = serverSawDisconnect(leaver);
    const closed = disconnect(leaver);
    await saw;
    // Its leave waits behind the request in flight, so it cannot run before what it must undo.
    expect(await peersInStore(roomId)).toContain(peerId);
    gate.release();
    await Promise.all([closed, gate.settled]);
  }

  /** A room with someone staying in it, and a guest who joined it. */
  async function roomWithLeaver(name: string) {
    const roomId = await newRoom(name);
    const stay = await owner.socket();
    await ask(stay, 'room:join', { roomId });
    const leaver = await guest(`${name} leaver`);
    const { peerId } = (await ask(leaver, 'room:join', { roomId })).data.self;
    return { roomId, stay, leaver, peerId, left: new Promise((resolve) => stay.once('peer:left', resolve)) };
  }

  it('disconnecting while room:join reads the room’s moderation: the join stops there', async () => {
    const roomId = await newRoom('Early');
    const stay = await owner.socket();
    await ask(stay, 'room:join', { roomId });
    const joins: unknown[] = [];
    stay.on('peer:joined', (p) => joins.push(p));
    const early = await guest('Early');
    const held = moderation.holdNextView();
    void ask(early, 'room:join', { roomId }).catch(() => undefined);
    await held.arrived;
    const saw = serverSawDisconnect(early);
    const closed = disconnect(early);
    await saw;
    held.release();
    await closed;
    expect(await peersInStore(roomId)).toHaveLength(1);
    expect((await inspect(roomId)).peers).toEqual([]);
    await flush(stay);
    expect(joins).toEqual([]);
    stay.close();
  });

  it('disconnecting while a transport is being created: the transport does not outlive its peer', async () => {
    const { roomId, stay, leaver, peerId, left } = await roomWithLeaver('Transport');
    await departDuring(roomId, leaver, peerId, 'transport.create', () => ask(leaver, 'sfu:createTransport', { direction: 'send' }));
    expect(await left).toEqual({ peerId });
    const sfu = await inspect(roomId);
    expect(sfu.open).toBe(true);
    expect(sfu.peers.map((p) => p.peerId)).not.toContain(peerId);
    expect(await peersInStore(roomId)).not.toContain(peerId);
    stay.close();
  });

  it('disconnecting while a microphone is being published: nobody is offered it, the SFU drops it', async () => {
    const { roomId, stay, leaver, peerId, left } = await roomWithLeaver('Producer');
    const announced: unknown[] = [];
    stay.on('producer:new', (p) => announced.push(p));
    const send = await ask(leaver, 'sfu:createTransport', { direction: 'send' });
    const produce = () => ask(leaver, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(22_222_222) });
    await departDuring(roomId, leaver, peerId, 'producer.create', produce);
    await left;
    await flush(stay);
    expect(announced).toEqual([]);
    expect((await inspect(roomId)).peers.map((p) => p.peerId)).not.toContain(peerId);
    expect((await app.live.room(roomId))!.producers).toEqual([]);
    stay.close();
  });
});

describe('one connection’s requests run in order', () => {
  it('two joins sent at once: the second replaces the first, which leaves nothing in its room', async () => {
    const [first, second] = [await newRoom('First'), await newRoom('Second')];
    const s = await guest('Twice');
    const gate = gates.hold('room.open');
    const one = ask(s, 'room:join', { roomId: first });
    const two = ask(s, 'room:join', { roomId: second });
    await gate.arrived;
    gate.release();
    const [a, b] = await Promise.all([one, two]);
    expect(a.ok && b.ok).toBe(true);
    expect(await peersInStore(first)).toEqual([]);
    expect(await inspect(first)).toMatchObject({ open: false });
    expect(await peersInStore(second)).toEqual([b.data.self.peerId]);
    s.close();
  });

  it('a moderator’s removal waits behind the removed person’s request and then takes everything it made', async () => {
    const roomId = await newRoom('Removal race');
    const mod = await owner.socket();
    await ask(mod, 'room:join', { roomId });
    const target = await guest('Target');
    const { peerId } = (await ask(target, 'room:join', { roomId })).data.self;

    const gate = gates.hold('transport.create');
    const created = ask(target, 'sfu:createTransport', { direction: 'recv' });
    await gate.arrived;
    const left = new Promise((resolve) => mod.once('peer:left', resolve));
    expect((await ask(mod, 'mod:removePeer', { peerId })).ok).toBe(true);
    gate.release();
    expect((await created).ok).toBe(true);
    expect(await left).toEqual({ peerId });
    expect((await inspect(roomId)).peers.map((p) => p.peerId)).not.toContain(peerId);
    expect(await peersInStore(roomId)).not.toContain(peerId);
    expect(await ask(target, 'sfu:createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    mod.close();
    target.close();
  });
});
