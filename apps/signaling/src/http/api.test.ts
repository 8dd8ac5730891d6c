import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, LIMITS, MeResponse, ReadyResponse, RoomResponse } from '@roomcast/shared';
import { Client, startTestApp } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
let base: string;
const good = { email: 'Ada@Example.org', password: 'analytical engine 1843', displayName: 'Ada' };

beforeAll(async () => {
  app = await startTestApp();
  base = app.url;
});
afterAll(async () => app?.cleanup());

describe('health', () => {
  it('/healthz says alive and /readyz checks database and SFU', async () => {
    const c = new Client(base);
    expect(await c.call('GET', '/healthz')).toEqual({ status: 200, json: { ok: true } });
    const ready = await c.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    const body = ReadyResponse.parse(ready.json);
    expect(body.ready).toBe(true);
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'sfu']);
  });
});

describe('accounts', () => {
  it('signs up (first account is admin), reads /me, signs out and back in', async () => {
    const c = new Client(base);
    const up = await c.call('POST', '/api/auth/signup', good);
    expect(up.status).toBe(201);
    expect(MeResponse.parse(up.json).user).toMatchObject({ email: 'ada@example.org', role: 'admin', isGuest: false });
    expect(c.cookie).toMatch(/^rc_session=/);
    expect((await c.call('GET', '/api/auth/me')).json.user.displayName).toBe('Ada');

    expect((await c.call('POST', '/api/auth/signout')).status).toBe(204);
    expect((await c.call('GET', '/api/auth/me')).json).toMatchObject({ error: { code: 'unauthenticated' } });

    const signin = await c.call('POST', '/api/auth/signin', { email: 'ADA@example.org', password: good.password });
    expect(signin.status).toBe(200);
    expect((await c.call('GET', '/api/auth/me')).status).toBe(200);
  });

  it('gives clear errors for a wrong password, a duplicate email and a weak password', async () => {
    const c = new Client(base);
    const wrong = await c.call('POST', '/api/auth/signin', { email: good.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(HttpError.parse(wrong.json).error.code).toBe('invalid_credentials');

    const dup = await c.call('POST', '/api/auth/signup', { ...good, displayName: 'Other' });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toMatchObject({ code: 'email_taken', issues: [{ path: 'email' }] });

    const weak = await c.call('POST', '/api/auth/signup', { ...good, email: 'weak@example.org', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.json.error.code).toBe('weak_password');
    expect(weak.json.error.message).toMatch(/at least 10/);
  });

  it('keeps the password hash out of every response', async () => {
    const c = new Client(base);
    const res = await c.call('POST', '/api/auth/signup', { email: 'bob@example.org', password: 'difference engine 22', displayName: 'Bob' });
    expect(JSON.stringify(res.json)).not.toMatch(/argon2|passwordHash/);
    expect(res.json.user.role).toBe('listener');
  });
});

describe('roles and rooms', () => {
  it('lets accounts open voice rooms, keeps guests and non-broadcasters out of DJ channels', async () => {
    const admin = new Client(base);
    await admin.call('POST', '/api/auth/signin', { email: good.email, password: good.password });
    const listener = new Client(base);
    const carol = await listener.call('POST', '/api/auth/signup', { email: 'carol@example.org', password: 'lovelace bernoulli 7', displayName: 'Carol' });
    const guest = new Client(base);
    expect((await guest.call('POST', '/api/auth/guest', { displayName: 'Guest Gus' })).json.user).toMatchObject({ isGuest: true, email: null });

    const voice = await listener.call('POST', '/api/rooms', { name: 'Lobby' });
    expect(voice.status).toBe(201);
    const room = RoomResponse.parse(voice.json).room;
    expect(room).toMatchObject({ name: 'Lobby', kind: 'voice', participants: 0 });
    expect((await guest.call('GET', `/api/rooms/${room.id}`)).json.room.id).toBe(room.id);

    expect((await guest.call('POST', '/api/rooms', { name: 'Mine' })).json.error.code).toBe('forbidden');
    expect((await listener.call('POST', '/api/rooms', { name: 'Set', kind: 'dj' })).json.error.code).toBe('forbidden');

    // An admin promotes Carol; the role is enforced from the database on her next request.
    const promote = await admin.call('PATCH', `/api/admin/users/${carol.json.user.id}/role`, { role: 'broadcaster' });
    expect(promote.json.user.role).toBe('broadcaster');
    expect((await listener.call('POST', '/api/rooms', { name: 'Set', kind: 'dj' })).status).toBe(201);
    expect((await listener.call('GET', '/api/admin/stats')).status).toBe(403);
    expect((await admin.call('GET', '/api/admin/stats')).json.sfu.workers).toHaveLength(1);

    const list = await guest.call('GET', '/api/rooms?kind=dj');
    expect(list.json.rooms.map((r: { name: string }) => r.name)).toEqual(['Set']);
    // Not signed in at all: no list of who talks where.
    expect(await new Client(base).call('GET', '/api/rooms')).toMatchObject({ status: 401, json: { error: { code: 'unauthenticated' } } });

    // The owner closes a room: it is gone from the list and from its link.
    expect((await guest.call('DELETE', `/api/rooms/${room.id}`)).status).toBe(403);
    expect((await listener.call('DELETE', `/api/rooms/${room.id}`)).status).toBe(204);
    expect((await guest.call('GET', `/api/rooms/${room.id}`)).status).toBe(404);
    expect((await guest.call('GET', '/api/rooms')).json.rooms.map((r: { id: string }) => r.id)).not.toContain(room.id);
  });
});

describe('bad input', () => {
  it('answers malformed, oversized and unknown requests with typed errors', async () => {
    const c = new Client(base);
    const invalidJson = await c.call('POST', '/api/auth/signin', undefined, '{"email": ');
    expect(invalidJson).toMatchObject({ status: 400, json: { error: { code: 'bad_request', message: 'request body is not valid JSON' } } });

    const huge = await c.call('POST', '/api/auth/guest', { displayName: 'x'.repeat(LIMITS.httpBodyBytes + 10) });
    expect(huge).toMatchObject({ status: 413, json: { error: { code: 'payload_too_large' } } });

    const wrongTypes = await c.call('POST', '/api/auth/signup', { email: 42, password: ['x'], displayName: null });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['displayName', 'email', 'password']);

    expect(await c.call('GET', '/api/nope')).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect(await c.call('GET', '/api/rooms/..%2F..')).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    expect((await c.call('GET', '/healthz')).status).toBe(200);
  });
});
