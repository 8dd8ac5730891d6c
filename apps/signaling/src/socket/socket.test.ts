import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, PROTOCOL_VERSION } from '@roomcast/shared';
import { ask, Client, startTestApp, type TestSocket } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
let owner: Client;
let roomId: string;

beforeAll(async () => {
  app = await startTestApp();
  owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'owner@example.org', password: 'sockets all the way', displayName: 'Owner' });
  roomId = (await owner.call('POST', '/api/rooms', { name: 'Sock' })).json.room.id;
});
afterAll(async () => app?.cleanup());

async function guestSocket(name: string): Promise<TestSocket> {
  const guest = new Client(app.url);
  await guest.call('POST', '/api/auth/guest', { displayName: name });
  return guest.socket();
}

describe('socket handshake', () => {
  it('refuses a connection without a session', async () => {
    await expect(new Client(app.url).socket()).rejects.toMatchObject({ message: 'unauthenticated', data: { code: 'unauthenticated' } });
  });

  it('refuses a client speaking another protocol version', async () => {
    await expect(owner.socket(PROTOCOL_VERSION + 1)).rejects.toMatchObject({ data: { code: 'protocol_mismatch' } });
  });
});

describe('room join over socket.io', () => {
  it('joins, announces the peer to others and hands out SFU transports scoped to the room', async () => {
    const a = await owner.socket();
    const b = await guestSocket('Bea');
    const joinedA = await ask(a, 'room:join', { roomId });
    expect(joinedA.ok).toBe(true);
    expect(joinedA.data.routerRtpCapabilities.codecs.map((c: { mimeType: string }) => c.mimeType)).toContain('audio/opus');

    const announced = new Promise((resolve) => a.once('peer:joined', resolve));
    const joinedB = await ask(b, 'room:join', { roomId });
    expect(joinedB.data.peers.map((p: { displayName: string }) => p.displayName)).toEqual(['Owner']);
    expect(await announced).toMatchObject({ displayName: 'Bea', isGuest: true });

    const transport = await ask(b, 'sfu:createTransport', { direction: 'recv', sctp: true });
    expect(transport.ok).toBe(true);
    expect(transport.data.iceCandidates.length).toBeGreaterThan(0);
    expect(transport.data.sctpParameters).toBeDefined();

    // Another member's transport id is not reachable from this connection.
    expect((await ask(a, 'sfu:createTransport', { direction: 'send' })).ok).toBe(true);
    const other = await ask(a, 'sfu:connectTransport', { transportId: transport.data.id, dtlsParameters: { role: 'client', fingerprints: [] } });
    expect(other).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const left = new Promise((resolve) => a.once('peer:left', resolve));
    b.close();
    expect(await left).toEqual({ peerId: joinedB.data.self.peerId });
    a.close();
  });

  it('refuses unknown rooms and SFU calls before joining', async () => {
    const s = await guestSocket('Lost');
    expect(await ask(s, 'room:join', { roomId: 'doesNotExist' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask(s, 'sfu:createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    s.close();
  });
});

describe('garbage from one client', () => {
  it('gets typed errors while another client keeps working, and the server stays up', async () => {
    const good = await owner.socket();
    const bad = await guestSocket('Mallory');
    expect((await ask(bad, 'room:join', { roomId })).ok).toBe(true);

    const protocolErrors: unknown[] = [];
    bad.on('protocol:error', (e) => protocolErrors.push(e));
    const garbage: [string, unknown][] = [
      ['room:join', { roomId: 12 }],
      ['room:join', 'not an object'],
      ['room:join', { roomId: 'x'.repeat(10_000) }],
      ['sfu:createTransport', { direction: 'sideways' }],
      ['sfu:produce', { transportId: 'nope', kind: 'audio', rtpParameters: { codecs: 'x'.repeat(LIMITS.jsonBlobBytes) } }],
      ['sfu:consume', null],
      ['definitely:unknown', { a: 1 }],
      ['__proto__', {}],
    ];
    // The burst and the good client's work interleave.
    const burst = Promise.all(garbage.flatMap(([event, payload]) => Array.from({ length: 5 }, () => ask(bad, event, payload))));
    const work = (async () => {
      const joined = await ask(good, 'room:join', { roomId });
      const send = await ask(good, 'sfu:createTransport', { direction: 'send' });
      return [joined, send];
    })();
    const [answers, [joined, send]] = await Promise.all([burst, work]);

    expect(answers).toHaveLength(garbage.length * 5);
    for (const answer of answers) expect(answer.ok).toBe(false);
    const codes = new Set(answers.map((a: { error: { code: string } }) => a.error.code));
    expect([...codes].sort()).toEqual(['bad_request', 'unknown_event']);
    expect(joined.ok).toBe(true);
    expect(send.ok).toBe(true);

    // An event without an ack still gets an answer, as a protocol:error push.
    const pushed = new Promise((resolve) => bad.once('protocol:error', resolve));
    bad.emit('nonsense' as never);
    expect(await pushed).toMatchObject({ event: 'nonsense', error: { code: 'unknown_event' } });
    expect(protocolErrors.length).toBeGreaterThan(0);

    // A frame beyond the engine's size limit costs that client its connection, nobody else's.
    const dropped = new Promise((resolve) => bad.once('disconnect', resolve));
    bad.emit('room:join' as never, { roomId: 'y'.repeat(LIMITS.socketMessageBytes + 1) } as never);
    await dropped;
    expect((await ask(good, 'sfu:createTransport', { direction: 'recv' })).ok).toBe(true);
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    good.close();
  });
});
