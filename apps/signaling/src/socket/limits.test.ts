import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@roomcast/shared';
import { ask, Client, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';

/**
 * Abuse from one connection or account: caps with typed errors, refusals counted and sampled
 * instead of logged one by one, and a server that keeps serving everybody else.
 */
let app: Awaited<ReturnType<typeof startTestApp>>;
let roomId: string;
let owner: Client;
/** Every line the app logs, parsed. */
const lines: { msg: string; [key: string]: unknown }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  // A generous per-connection rate so the per-peer caps, not the rate limit, answer here.
  app = await startTestApp({ SOCKET_RATE_LIMIT: '100000' }, { log: pino({ level: 'info' }, sink) });
  owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'limits@example.org', password: 'caps with typed errors', displayName: 'Owner' });
  roomId = (await owner.call('POST', '/api/rooms', { name: 'Limits' })).json.room.id;
});
afterAll(async () => app?.cleanup());

/** Sends `count` requests, at most `inFlight` at a time (the per-connection queue's bound). */
async function flood(socket: TestSocket, count: number, event: string, payload: () => unknown, inFlight = 16): Promise<string[]> {
  const codes: string[] = [];
  for (let sent = 0; sent < count; sent += inFlight) {
    const answers = await Promise.all(Array.from({ length: Math.min(inFlight, count - sent) }, () => ask(socket, event, payload())));
    for (const a of answers) codes.push(a.ok ? 'ok' : a.error.code);
  }
  return codes;
}

const tally = (codes: string[]) => codes.reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});

describe('one guest asking for 5,000 transports', () => {
  it('gets the per-person cap and limit_exceeded; the SFU holds the cap; others are served', { timeout: 60_000 }, async () => {
    const mallory = await (await quickGuest(app, 'Mallory')).socket();
    const { peerId } = (await ask(mallory, 'room:join', { roomId })).data.self;
    const logged = lines.length;
    const codes = await flood(mallory, 5000, 'sfu:createTransport', () => ({ direction: 'recv' }));
    expect(tally(codes)).toEqual({ ok: LIMITS.perPeer.transports, limit_exceeded: 5000 - LIMITS.perPeer.transports });
    expect(codes.at(-1)).toBe('limit_exceeded');
    const held = (await app.sfu.request('room.inspect', { roomId })).peers.find((p) => p.peerId === peerId)!;
    expect(held.transports).toHaveLength(LIMITS.perPeer.transports);

    // 4,996 refusals wrote one line: the first of its code for this connection.
    const refusalLines = lines.slice(logged).filter((l) => /refused/.test(l.msg));
    expect(refusalLines).toHaveLength(1);
    expect(refusalLines[0]).toMatchObject({ code: 'limit_exceeded', event: 'sfu:createTransport' });

    const other = await (await quickGuest(app, 'Olivia')).socket();
    expect((await ask(other, 'room:join', { roomId })).ok).toBe(true);
    expect((await ask(other, 'sfu:createTransport', { direction: 'send' })).ok).toBe(true);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    mallory.close();
    other.close();
  });
});

describe('5,000 refused requests of every kind', () => {
  it('are counted per code for the admin, and the log stays a few lines long', { timeout: 60_000 }, async () => {
    const s = await (await quickGuest(app, 'Noisy')).socket();
    const logged = lines.length;
    const before = app.sockets.refusals.totals();
    // Not in a room, unknown, malformed, forbidden by the room kind: 1,250 of each.
    await flood(s, 1250, 'sfu:createTransport', () => ({ direction: 'send' }));
    await flood(s, 1250, 'no:such-event', () => ({}));
    await flood(s, 1250, 'room:join', () => ({ roomId: 42 }));
    expect((await ask(s, 'room:join', { roomId })).ok).toBe(true);
    await flood(s, 1250, 'mod:setModerated', () => ({ moderated: true }));
    const after = app.sockets.refusals.totals();
    for (const code of ['not_in_room', 'unknown_event', 'bad_request', 'forbidden'] as const) {
      expect((after[code] ?? 0) - (before[code] ?? 0)).toBe(1250);
    }
    const stats = await owner.call('GET', '/api/admin/stats');
    expect(stats.json.refused.forbidden).toBe(after.forbidden);
    expect(lines.slice(logged).filter((l) => /refused/.test(l.msg)).length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(lines.slice(logged)).length).toBeLessThan(5_000);
    s.close();
  });
});

describe('open connections per account', () => {
  it(`refuses the connection past ${LIMITS.socketsPerAccount} at the handshake with limit_exceeded, and takes one again once one closes`, async () => {
    const account = await quickGuest(app, 'Tabs');
    const open = await Promise.all(Array.from({ length: LIMITS.socketsPerAccount }, () => account.socket()));
    await expect(account.socket()).rejects.toMatchObject({ data: { code: 'limit_exceeded' } });
    // Another account is not affected.
    (await (await quickGuest(app, 'Other')).socket()).close();
    const gone = open[0]!;
    const closed = new Promise<void>((resolve) => {
      const id = gone.id;
      app.sockets.events.on('closed', (socketId) => socketId === id && resolve());
    });
    gone.close();
    await closed;
    const again = await account.socket();
    expect(again.connected).toBe(true);
    for (const s of [...open, again]) s.close();
  });
});

describe('the per-connection rate limit', () => {
  it('counts unknown events like known ones', async () => {
    const limited = await startTestApp({ SOCKET_RATE_LIMIT: '20' });
    try {
      const s = await (await quickGuest(limited, 'Fast')).socket();
      // More than twice the limit at once: whatever one-second windows they straddle, some are refused.
      const codes = await Promise.all(Array.from({ length: 60 }, () => ask(s, 'made:up', {}).then((a) => a.error.code)));
      expect(codes).toContain('unknown_event');
      expect(codes).toContain('rate_limited');
      s.close();
    } finally {
      await limited.cleanup();
    }
  });
});
