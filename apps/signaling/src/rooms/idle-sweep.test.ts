import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, Client, quickAccount, startTestApp } from '../testing/test-app.js';

/** Empty rooms expire, on the app's own clock (moved by the test), through the real sweep. */
let app: Awaited<ReturnType<typeof startTestApp>>;
let owner: Client;
let now = Date.now();
const HOUR = 3_600_000;

beforeAll(async () => {
  app = await startTestApp({ ROOM_IDLE_HOURS: '24' }, { clock: () => now });
  owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'sweep@example.org', password: 'rooms come and go', displayName: 'Owner' });
});
afterAll(async () => app?.cleanup());

const open = async (name: string) => (await owner.call('POST', '/api/rooms', { name })).json.room.id as string;
const exists = async (id: string) => (await owner.call('GET', `/api/rooms/${id}`)).status === 200;

describe('the idle room sweep', () => {
  it('closes rooms nobody has been in for ROOM_IDLE_HOURS, and keeps the busy and the recently used', async () => {
    const never = await open('Never used');
    const emptied = await open('Used once');
    const busy = await open('Busy');
    const s = await owner.socket();
    await ask(s, 'room:join', { roomId: emptied });
    await ask(s, 'room:leave', {});
    const guest = new Client(app.url);
    await guest.call('POST', '/api/auth/guest', { displayName: 'Stayer' });
    const stayer = await guest.socket();
    await ask(stayer, 'room:join', { roomId: busy });

    now += 23 * HOUR;
    expect(await app.sweep.sweep()).toBe(0);
    const recent = await open('Used lately');
    await ask(s, 'room:join', { roomId: recent });
    await ask(s, 'room:leave', {});

    now += 2 * HOUR;
    const closedEvents: unknown[] = [];
    stayer.on('room:closed', (e) => closedEvents.push(e));
    expect(await app.sweep.sweep()).toBe(2);
    expect(await exists(never)).toBe(false);
    expect(await exists(emptied)).toBe(false);
    expect(await exists(busy)).toBe(true);
    expect(await exists(recent)).toBe(true);
    expect((await app.live.participants([busy])).get(busy)).toBe(1);
    expect(closedEvents).toEqual([]);

    // Once the last person leaves, a busy room ages like any other.
    const left = new Promise((resolve) => app.sockets.events.once('closed', resolve));
    stayer.close();
    await left;
    now += 25 * HOUR;
    expect(await app.sweep.sweep()).toBe(2);
    expect(await exists(busy)).toBe(false);
    expect(await app.sfu.request('room.inspect', { roomId: busy })).toMatchObject({ open: false });
    s.close();
  });

  it("never expires a DJ channel's room, and refuses to close it by hand", async () => {
    const dj = await quickAccount(app, 'DJ Quiet', 'broadcaster');
    const roomId = (await dj.call('PUT', '/api/channels/mine', { handle: 'quiet', title: 'Quiet' })).json.channel.roomId as string;
    now += 100 * HOUR;
    await app.sweep.sweep();
    expect((await dj.call('GET', `/api/rooms/${roomId}`)).status).toBe(200);
    expect((await dj.call('DELETE', `/api/rooms/${roomId}`)).json.error.code).toBe('conflict');
  });
});
