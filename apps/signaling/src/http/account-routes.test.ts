import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sweeper } from '../auth/sweep.js';
import { Client, startTestApp, ask } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Client;
beforeAll(async () => {
  app = await startTestApp({ AUTH_RATE_LIMIT: '1000', PUBLIC_URL: 'http://roomcast.test' });
  admin = new Client(app.url);
  await admin.call('POST', '/api/auth/signup', { email: 'root@example.org', password: 'the first one administers', displayName: 'Root' });
});
afterAll(async () => app?.cleanup());

const signUp = async (name: string, password = `${name} has a long password`) => {
  const client = new Client(app.url);
  const me = await client.call('POST', '/api/auth/signup', { email: `${name.toLowerCase()}@example.org`, password, displayName: name });
  return { client, id: me.json.user.id as string, password };
};

describe('the account page', () => {
  it('renames the account; the open socket hears of it', async () => {
    const { client } = await signUp('Ada');
    const socket = await client.socket();
    const updated = new Promise<{ user: { displayName: string } }>((resolve) => socket.once('session:updated', resolve));
    expect((await client.call('PATCH', '/api/account', { displayName: 'Ada L.' })).json.user.displayName).toBe('Ada L.');
    expect((await updated).user.displayName).toBe('Ada L.');
    expect((await client.call('PATCH', '/api/account', { displayName: '' })).json.error.code).toBe('bad_request');
    socket.close();
  });

  it('changes the email only with the password, unconfirmed again; a taken one is refused', async () => {
    const { client, password } = await signUp('Bea');
    expect((await client.call('PUT', '/api/account/email', { email: 'bea2@example.org', password: 'wrong one' })).json.error.code).toBe('invalid_credentials');
    expect((await client.call('PUT', '/api/account/email', { email: 'root@example.org', password })).json.error.code).toBe('email_taken');
    const changed = await client.call('PUT', '/api/account/email', { email: 'Bea2@example.org', password });
    expect(changed.json.user).toMatchObject({ email: 'bea2@example.org', emailConfirmed: false });
    expect((await new Client(app.url).call('POST', '/api/auth/signin', { email: 'bea2@example.org', password })).status).toBe(200);
  });

  it('lists sessions with their device and which is this one; ends one; changing the password ends the others and keeps this one', async () => {
    const { client, password } = await signUp('Cy');
    const phone = new Client(app.url);
    await fetch(`${app.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Phone/1.0 (Android 15)' }, body: JSON.stringify({ email: 'cy@example.org', password }) }).then((r) => {
      phone.cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    });
    const tablet = new Client(app.url);
    await tablet.call('POST', '/api/auth/signin', { email: 'cy@example.org', password });
    const { sessions } = (await client.call('GET', '/api/account/sessions')).json;
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const onPhone = sessions.find((s: { device: string | null }) => s.device === 'Phone/1.0 (Android 15)');
    expect(onPhone).toBeDefined();

    const phoneSocket = await phone.socket();
    const phoneEnded = new Promise<{ reason: string }>((resolve) => phoneSocket.once('session:ended', resolve));
    expect((await client.call('DELETE', `/api/account/sessions/${onPhone.id}`)).status).toBe(204);
    expect(await phoneEnded).toEqual({ reason: 'signed out from another device' });
    expect((await phone.call('GET', '/api/auth/me')).status).toBe(401);
    // Someone else's session id is not found for this account.
    const rootSessions = (await admin.call('GET', '/api/account/sessions')).json.sessions;
    expect((await client.call('DELETE', `/api/account/sessions/${rootSessions[0].id}`)).status).toBe(404);

    expect((await client.call('PUT', '/api/account/password', { currentPassword: 'nope', password: 'a new long phrase' })).json.error.code).toBe('invalid_credentials');
    expect((await client.call('PUT', '/api/account/password', { currentPassword: password, password: 'short' })).json.error.code).toBe('weak_password');
    expect((await client.call('PUT', '/api/account/password', { currentPassword: password, password: 'a new long phrase' })).status).toBe(204);
    expect((await tablet.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await client.call('GET', '/api/auth/me')).status).toBe(200);
    expect((await client.call('GET', '/api/account/sessions')).json.sessions).toHaveLength(1);
  });

  it('signs out everywhere: every session and socket of the account ends', async () => {
    const { client, password } = await signUp('Dov');
    const other = new Client(app.url);
    await other.call('POST', '/api/auth/signin', { email: 'dov@example.org', password });
    const socket = await other.socket();
    const ended = new Promise<{ reason: string }>((resolve) => socket.once('session:ended', resolve));
    expect((await client.call('POST', '/api/account/signout-everywhere')).status).toBe(204);
    expect(await ended).toEqual({ reason: 'signed out everywhere' });
    expect((await client.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await other.call('GET', '/api/auth/me')).status).toBe(401);
  });
});

describe('deleting an account', () => {
  let deleted: { id: string; roomId: string };
  it('exports the person’s data first; deletion anonymises at once and keeps no way in', async () => {
    const { client, id, password } = await signUp('Eli');
    deleted = { id, roomId: '' };
    const room = (await client.call('POST', '/api/rooms', { name: 'Eli’s room' })).json.room;
    deleted.roomId = room.id;
    const exported = await client.call('GET', '/api/account/export');
    expect(exported.json.account).toMatchObject({ id, email: 'eli@example.org', displayName: 'Eli' });
    expect(exported.json.account.passwordHash).toBeUndefined();
    expect(exported.json.rooms.map((r: { id: string }) => r.id)).toEqual([room.id]);
    expect(exported.json.sessions).toHaveLength(1);
    expect(JSON.stringify(exported.json)).not.toMatch(/tokenHash|argon2/);

    const socket = await client.socket();
    await ask(socket, 'room:join', { roomId: room.id });
    const ended = new Promise<{ reason: string }>((resolve) => socket.once('session:ended', resolve));
    expect((await client.call('DELETE', '/api/account', { password: 'wrong' })).json.error.code).toBe('invalid_credentials');
    expect((await client.call('DELETE', '/api/account', { password })).status).toBe(204);
    expect(await ended).toEqual({ reason: 'account deleted' });

    const row = await app.db.users.findById(id);
    expect(row).toMatchObject({ displayName: 'deleted user', email: null, passwordHash: null });
    expect(row!.deletedAt).toBeInstanceOf(Date);
    expect((await client.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await new Client(app.url).call('POST', '/api/auth/signin', { email: 'eli@example.org', password })).json.error.code).toBe('invalid_credentials');
    // The address is free for a new account.
    expect((await new Client(app.url).call('POST', '/api/auth/signup', { email: 'eli@example.org', password, displayName: 'Eli again' })).status).toBe(201);
    expect((await admin.call('GET', `/api/rooms/${room.id}`)).json.room?.closed ?? (await app.db.rooms.findById(room.id))?.closedAt).toBeTruthy();

  });

  it('an administrator deletes someone else’s account, not their own', async () => {
    const { id } = await signUp('Fay');
    const me = (await admin.call('GET', '/api/auth/me')).json.user.id;
    expect((await admin.call('DELETE', `/api/admin/users/${me}`)).json.error.code).toBe('conflict');
    expect((await admin.call('DELETE', `/api/admin/users/${id}`)).status).toBe(204);
    expect((await app.db.users.findById(id))?.displayName).toBe('deleted user');
    expect((await admin.call('DELETE', `/api/admin/users/${id}`)).status).toBe(404);
  });

  it('a guest deletes itself without a password', async () => {
    const guest = new Client(app.url);
    const { id } = (await guest.call('POST', '/api/auth/guest', { displayName: 'Gus' })).json.user;
    expect((await guest.call('PUT', '/api/account/password', { currentPassword: 'x', password: 'a long new phrase' })).json.error.code).toBe('forbidden');
    expect((await guest.call('DELETE', '/api/account')).status).toBe(204);
    expect((await app.db.users.findById(id))?.deletedAt).toBeInstanceOf(Date);
  });

  // Last: its clock jumps a month, past every session's expiry too.
  it('the purge job removes a deleted account with what it owned once the delay has passed, not before', async () => {
    const log = { info: () => undefined, warn: () => undefined };
    const early = new Sweeper(app.db, { intervalMs: 60_000, guestRetentionMs: 3_600_000, accountPurgeMs: 30 * 86_400_000, log });
    expect((await early.sweep()).purged).toBe(0);
    const later = new Sweeper(app.db, { intervalMs: 60_000, guestRetentionMs: 3_600_000, accountPurgeMs: 30 * 86_400_000, log, now: () => Date.now() + 31 * 86_400_000 });
    // Eli and Fay; the deleted guest goes with the stale guests, as guests do.
    expect(await later.sweep()).toMatchObject({ purged: 2 });
    expect(await app.db.users.findById(deleted.id)).toBeNull();
    expect(await app.db.rooms.findById(deleted.roomId)).toBeNull();
  });
});
