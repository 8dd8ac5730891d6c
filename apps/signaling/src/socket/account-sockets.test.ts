import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, Client, startTestApp, type TestSocket } from '../testing/test-app.js';

/** Open connections follow their account: signing out ends them, a role change reaches them. */
let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Client;
let roomId: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = new Client(app.url);
  await admin.call('POST', '/api/auth/signup', { email: 'root@example.org', password: 'first one administers', displayName: 'Admin' });
  const ola = new Client(app.url);
  await ola.call('POST', '/api/auth/signup', { email: 'ola@example.org', password: 'olas own voice room', displayName: 'Ola' });
  roomId = (await ola.call('POST', '/api/rooms', { name: 'Ola’s' })).json.room.id;
});
afterAll(async () => app?.cleanup());

const next = <T>(socket: TestSocket, event: string) => new Promise<T>((resolve) => socket.once(event as never, resolve as never));

describe('signing out', () => {
  it('ends that sign-in’s sockets with session:ended, then disconnects them; another sign-in keeps its own', async () => {
    const creds = { email: 'sam@example.org', password: 'two devices one account', displayName: 'Sam' };
    const laptop = new Client(app.url);
    await laptop.call('POST', '/api/auth/signup', creds);
    const phone = new Client(app.url);
    await phone.call('POST', '/api/auth/signin', { email: creds.email, password: creds.password });

    const [tabA, tabB, onPhone, watcher] = await Promise.all([laptop.socket(), laptop.socket(), phone.socket(), admin.socket()]);
    await ask(watcher, 'room:join', { roomId });
    const { peerId } = (await ask(tabA, 'room:join', { roomId })).data.self;

    const endedA = next<{ reason: string }>(tabA, 'session:ended');
    const endedB = next<{ reason: string }>(tabB, 'session:ended');
    const goneA = next<string>(tabA, 'disconnect');
    const goneB = next<string>(tabB, 'disconnect');
    const left = next<{ peerId: string }>(watcher, 'peer:left');
    expect((await laptop.call('POST', '/api/auth/signout')).status).toBe(204);

    expect(await endedA).toEqual({ reason: 'signed out' });
    expect(await endedB).toEqual({ reason: 'signed out' });
    expect(await goneA).toBe('io server disconnect');
    expect(await goneB).toBe('io server disconnect');
    expect(await left).toEqual({ peerId });
    expect(await app.live.peer(roomId, peerId)).toBeUndefined();

    // The phone's sign-in is another session: still connected and served.
    expect(onPhone.connected).toBe(true);
    expect((await ask(onPhone, 'room:join', { roomId })).ok).toBe(true);
    // And the ended cookie opens no new socket.
    await expect(laptop.socket()).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    onPhone.close();
    watcher.close();
  });
});

describe('a role change', () => {
  it('reaches the open socket at once: session:updated, peer:updated for the room, and the new rights', async () => {
    const carol = new Client(app.url);
    const me = await carol.call('POST', '/api/auth/signup', { email: 'carol@example.org', password: 'promoted mid call', displayName: 'Carol' });
    const [socket, watcher] = await Promise.all([carol.socket(), admin.socket()]);
    await ask(watcher, 'room:join', { roomId });
    const { peerId } = (await ask(socket, 'room:join', { roomId })).data.self;
    // A listener in someone else's room may not moderate it.
    expect(await ask(socket, 'mod:setModerated', { moderated: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const updated = next<{ user: { role: string } }>(socket, 'session:updated');
    const seen = next<{ peerId: string; role: string }>(watcher, 'peer:updated');
    const promote = await admin.call('PATCH', `/api/admin/users/${me.json.user.id}/role`, { role: 'admin' });
    expect(promote.status).toBe(200);
    expect((await updated).user).toMatchObject({ id: me.json.user.id, role: 'admin' });
    expect(await seen).toMatchObject({ peerId, role: 'admin' });
    // Same socket, no reconnect: an admin moderates any room.
    expect((await ask(socket, 'mod:setModerated', { moderated: true })).ok).toBe(true);

    await admin.call('PATCH', `/api/admin/users/${me.json.user.id}/role`, { role: 'listener' });
    expect(await ask(socket, 'mod:setModerated', { moderated: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    socket.close();
    watcher.close();
  });
});

describe('an administrator disables an account', () => {
  it('ends every sign-in’s sockets and sessions of it (not anyone else’s), refuses its sign-in until re-enabled', async () => {
    const creds = { email: 'dee@example.org', password: 'every device at once', displayName: 'Dee' };
    const laptop = new Client(app.url);
    const me = await laptop.call('POST', '/api/auth/signup', creds);
    const id: string = me.json.user.id;
    const phone = new Client(app.url);
    await phone.call('POST', '/api/auth/signin', { email: creds.email, password: creds.password });
    const [onLaptop, onPhone, bystander] = await Promise.all([laptop.socket(), phone.socket(), admin.socket()]);
    await ask(bystander, 'room:join', { roomId });
    const { peerId } = (await ask(onLaptop, 'room:join', { roomId })).data.self;
    const ended = Promise.all([next<{ reason: string }>(onLaptop, 'session:ended'), next<{ reason: string }>(onPhone, 'session:ended')]);
    const gone = Promise.all([next<string>(onLaptop, 'disconnect'), next<string>(onPhone, 'disconnect')]);
    const left = next<{ peerId: string }>(bystander, 'peer:left');

    // Only an administrator may, and not on their own account.
    expect((await phone.call('PUT', `/api/admin/users/${id}/disabled`, { disabled: true })).json.error.code).toBe('forbidden');
    const self = (await admin.call('GET', '/api/auth/me')).json.user.id;
    expect((await admin.call('PUT', `/api/admin/users/${self}/disabled`, { disabled: true })).json.error.code).toBe('conflict');
    expect((await admin.call('PUT', `/api/admin/users/${id}/disabled`, { disabled: 'yes' })).json.error.code).toBe('bad_request');

    const disabled = await admin.call('PUT', `/api/admin/users/${id}/disabled`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ user: { id }, disabled: true });
    expect(await ended).toEqual([{ reason: 'account disabled' }, { reason: 'account disabled' }]);
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await left).toEqual({ peerId });
    expect(bystander.connected).toBe(true);

    // Its cookies are worth nothing now, and the right password does not open it again.
    expect((await laptop.call('GET', '/api/auth/me')).status).toBe(401);
    await expect(phone.socket()).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    const refused = await new Client(app.url).call('POST', '/api/auth/signin', { email: creds.email, password: creds.password });
    expect(refused.json.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('disabled') });
    // A wrong password says only that, disabled or not.
    expect((await new Client(app.url).call('POST', '/api/auth/signin', { email: creds.email, password: 'not the password' })).json.error.code).toBe('invalid_credentials');

    expect((await admin.call('PUT', `/api/admin/users/${id}/disabled`, { disabled: false })).json).toMatchObject({ disabled: false });
    expect((await new Client(app.url).call('POST', '/api/auth/signin', { email: creds.email, password: creds.password })).status).toBe(200);
    bystander.close();
  });
});
