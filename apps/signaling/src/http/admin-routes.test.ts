import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRoomsResponse, AdminStatsResponse } from '@roomcast/shared';
import { ask, Client, quickGuest, startTestApp } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Client;
beforeAll(async () => {
  app = await startTestApp({ AUTH_RATE_LIMIT: '1000' });
  admin = new Client(app.url);
  await admin.call('POST', '/api/auth/signup', { email: 'root@example.org', password: 'the first one administers', displayName: 'Root' });
});
afterAll(async () => app?.cleanup());

describe('the admin user list', () => {
  it('finds accounts by email or name and pages through them; shows disabled and deleted; refuses non-admins', { timeout: 30_000 }, async () => {
    const ids: string[] = [];
    // Straight into the store: 55 argon2 hashes would only slow the test down.
    for (let i = 0; i < 55; i++) ids.push((await app.db.users.create({ email: `member${i}@example.org`, displayName: `Member ${i}` })).id);
    await admin.call('PUT', `/api/admin/users/${ids[3]}/disabled`, { disabled: true });
    await admin.call('DELETE', `/api/admin/users/${ids[4]}`);

    const first = (await admin.call('GET', '/api/admin/users?q=member')).json;
    expect(first.users).toHaveLength(50);
    expect(first.users[0]).toMatchObject({ id: ids[54], email: 'member54@example.org', role: 'listener', disabled: false, deleted: false });
    const second = (await admin.call('GET', `/api/admin/users?q=member&cursor=${first.next}`)).json;
    expect(second.next).toBeNull();
    // Deleted accounts lost their name and email, so a search for them finds 54 of the 55.
    expect([...first.users, ...second.users].map((u: { id: string }) => u.id)).toEqual(ids.filter((_, i) => i !== 4).reverse());
    expect(second.users.find((u: { id: string }) => u.id === ids[3])).toMatchObject({ disabled: true });
    const all = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { users: unknown[]; next: string | null } = (await admin.call('GET', `/api/admin/users${cursor ? `?cursor=${cursor}` : ''}`)).json;
      all.push(...(page.users as { id: string }[]));
      cursor = page.next;
    }
    expect(all).toHaveLength(56); // root and the 55
    expect(all.find((u: { id: string }) => u.id === ids[4])).toMatchObject({ deleted: true, displayName: 'deleted user', email: null });
    expect((await admin.call('GET', '/api/admin/users?q=MEMBER7')).json.users.map((u: { displayName: string }) => u.displayName)).toEqual(['Member 7']);

    expect((await admin.call('GET', `/api/admin/users?q=${'x'.repeat(101)}`)).json.error.code).toBe('bad_request');
    const member = new Client(app.url);
    await member.call('POST', '/api/auth/signup', { email: 'plain@example.org', password: 'just a listener here', displayName: 'Plain' });
    expect((await member.call('GET', '/api/admin/users')).json.error.code).toBe('forbidden');
  });
});

describe('the admin room list and server stats', () => {
  it('lists open rooms with who is in them, busiest first; shows the stats; an admin closes someone else’s room; refuses non-admins', { timeout: 30_000 }, async () => {
    const owner = new Client(app.url);
    const signedUp = await owner.call('POST', '/api/auth/signup', { email: 'hostess@example.org', password: 'a crowded voice room', displayName: 'Hostess' });
    expect(signedUp.status, JSON.stringify(signedUp.json)).toBe(201);
    const quiet = (await owner.call('POST', '/api/rooms', { name: 'Quiet' })).json.room.id as string;
    const busy = (await owner.call('POST', '/api/rooms', { name: 'Busy' })).json.room.id as string;
    const [ann, ben] = await Promise.all([quickGuest(app, 'Ann'), quickGuest(app, 'Ben')]);
    const sockets = await Promise.all([ann.socket(), ben.socket()]);
    for (const s of sockets) expect((await ask(s, 'room:join', { roomId: busy })).ok).toBe(true);

    const listed = AdminRoomsResponse.parse((await admin.call('GET', '/api/admin/rooms')).json);
    const ours = listed.rooms.filter((r) => r.id === busy || r.id === quiet);
    expect(ours.map((r) => [r.name, r.ownerName, r.participants, r.people.map((p) => p.displayName).sort()])).toEqual([
      ['Busy', 'Hostess', 2, ['Ann', 'Ben']],
      ['Quiet', 'Hostess', 0, []],
    ]);
    expect(listed.rooms[0]!.id).toBe(busy);
    expect(ours[0]!.people.every((p) => p.isGuest)).toBe(true);
    expect((await admin.call('GET', '/api/admin/rooms?kind=dj')).json.rooms.map((r: { id: string }) => r.id)).not.toContain(busy);
    expect((await admin.call('GET', '/api/admin/rooms?kind=nope')).json.error.code).toBe('bad_request');

    const stats = AdminStatsResponse.parse((await admin.call('GET', '/api/admin/stats')).json);
    expect(stats.live).toMatchObject({ rooms: 1, peers: 2 });
    expect(stats.sfu.workers.length).toBeGreaterThan(0);
    expect(stats.sfu.workers.every((w) => w.alive)).toBe(true);
    expect(stats.users).toBeGreaterThanOrEqual(4);

    const closed = Promise.all(sockets.map((s) => new Promise<{ reason: string }>((resolve) => s.once('room:closed', resolve))));
    expect((await admin.call('DELETE', `/api/rooms/${busy}`)).status).toBe(204);
    expect((await closed).map((c) => c.reason)).toEqual(['the room was closed by an administrator', 'the room was closed by an administrator']);
    const after = AdminRoomsResponse.parse((await admin.call('GET', '/api/admin/rooms')).json);
    expect(after.rooms.map((r) => r.id)).not.toContain(busy);
    expect(AdminStatsResponse.parse((await admin.call('GET', '/api/admin/stats')).json).live.peers).toBe(0);

    for (const path of ['/api/admin/rooms', '/api/admin/stats']) expect((await owner.call('GET', path)).json.error.code).toBe('forbidden');
    for (const s of sockets) s.close();
  });
});
