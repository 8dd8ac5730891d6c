// Following a channel: online followers hear it go live in the app (on every connection, in any
// room), and those who asked for it get an email at their confirmed address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpInbox } from '@roomcast/testkit';
import { LIMITS, LiveNow } from '@roomcast/shared';
import { opus } from '../testing/media.js';
import { ask, Client, quickAccount, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';

let inbox: SmtpInbox;
let app: Awaited<ReturnType<typeof startTestApp>>;
let dj: Client;
let roomId: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  inbox = await SmtpInbox.start();
  app = await startTestApp({ SMTP_URL: inbox.url, PUBLIC_URL: 'http://roomcast.test', MAIL_FROM: 'Roomcast <noreply@roomcast.test>' });
  dj = await quickAccount(app, 'DJ Lark', 'broadcaster');
  roomId = (await dj.call('PUT', '/api/channels/mine', { handle: 'lark', title: 'Morning lark' })).json.channel.roomId;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await app?.cleanup();
  await inbox?.close();
});

const open = async (client: Client) => {
  const socket = await client.socket();
  sockets.push(socket);
  return socket;
};
const liveNow = (socket: TestSocket) => new Promise<unknown>((resolve) => (socket as unknown as { once(e: string, f: (p: unknown) => void): void }).once('dj:liveNow', resolve));

describe('following a channel', () => {
  it('is for accounts: a guest cannot follow; an account follows, changes its email choice, and unfollows', async () => {
    const guest = await quickGuest(app, 'Passer-by');
    expect((await guest.call('PUT', '/api/channels/lark/follow', {})).json.error.code).toBe('forbidden');
    const fan = await quickAccount(app, 'Fan', 'listener');
    expect((await fan.call('GET', '/api/channels/lark/follow')).json).toEqual({ following: false, email: false });
    expect((await fan.call('PUT', '/api/channels/lark/follow', {})).json).toEqual({ following: true, email: false });
    expect((await fan.call('PUT', '/api/channels/lark/follow', { email: true })).json).toEqual({ following: true, email: true });
    expect((await fan.call('GET', '/api/channels/lark/follow')).json).toEqual({ following: true, email: true });
    expect((await fan.call('DELETE', '/api/channels/lark/follow')).json).toEqual({ following: false, email: false });
    expect((await fan.call('PUT', '/api/channels/nobody/follow', {})).status).toBe(404);
    expect((await fan.call('PUT', '/api/channels/lark/follow', { email: 'yes' })).json.error.code).toBe('bad_request');
  });

  it('caps how many channels one account follows; changing the email choice is not a new follow', async () => {
    const keen = await quickAccount(app, 'Keen', 'listener');
    const me = (await keen.call('GET', '/api/auth/me')).json.user.id;
    const lark = (await dj.call('GET', '/api/channels/mine')).json.channel.id;
    const owner = await app.db.users.create({ displayName: 'Other DJ', email: 'other@test.invalid', role: 'broadcaster' });
    const room = await app.db.rooms.create({ name: 'Other', kind: 'dj', ownerId: owner.id });
    const other = await app.db.channels.create({ id: 'otherchan1', ownerId: owner.id, roomId: room.id, handle: 'other', title: 'Other', description: '', links: [], artworkUrl: null });
    expect(await app.db.channels.follow(lark, me, false, 1)).toBe(true);
    expect(await app.db.channels.follow(other.id, me, false, 1)).toBe(false);
    expect(await app.db.channels.follow(lark, me, true, 1)).toBe(true);
    expect((await keen.call('GET', '/api/channels/lark/follow')).json).toEqual({ following: true, email: true });
    expect((await keen.call('GET', '/api/channels/other/follow')).json).toEqual({ following: false, email: false });
    expect(LIMITS.dj.followsPerUser).toBeGreaterThan(1);
  });

  it('going live tells every connection of each online follower, and emails those who asked at a confirmed address', async () => {
    const ears = await quickAccount(app, 'Ears', 'listener');
    const mailer = await quickAccount(app, 'Mail Me', 'listener');
    const unconfirmed = await quickAccount(app, 'Unconfirmed', 'listener');
    const stranger = await quickAccount(app, 'Stranger', 'listener');
    for (const [who, email] of [[ears, false], [mailer, true], [unconfirmed, true]] as const) {
      expect((await who.call('PUT', '/api/channels/lark/follow', { email })).status).toBe(200);
    }
    const mailerUser = (await mailer.call('GET', '/api/auth/me')).json.user;
    await app.db.users.confirmEmail(mailerUser.id, mailerUser.email);

    // Ears has two tabs open, one of them in another room; the stranger follows nothing.
    const [tab1, tab2, mailerTab, strangerTab] = [await open(ears), await open(ears), await open(mailer), await open(stranger)];
    const voice = (await ears.call('POST', '/api/rooms', { name: 'Elsewhere', kind: 'voice' })).json;
    expect((await ask(tab2, 'room:join', { roomId: voice.room.id })).ok).toBe(true);
    let strangerTold = false;
    (strangerTab as unknown as { on(e: string, f: () => void): void }).on('dj:liveNow', () => (strangerTold = true));
    const heard = [liveNow(tab1), liveNow(tab2), liveNow(mailerTab)];

    const studio = await open(dj);
    expect((await ask(studio, 'room:join', { roomId })).ok).toBe(true);
    const send = await ask(studio, 'sfu:createTransport', { direction: 'send' });
    const producerId = (await ask(studio, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(5151) })).data.producerId;
    const live = await ask(studio, 'dj:goLive', { producerId, title: 'Dawn chorus' });
    expect(live.ok).toBe(true);

    for (const payload of await Promise.all(heard)) {
      expect(LiveNow.parse(payload)).toEqual({ channel: { handle: 'lark', title: 'Morning lark' }, broadcast: { id: live.data.id, title: 'Dawn chorus' } });
    }
    await app.sockets.dj.settled();
    const mail = await inbox.next();
    expect(mail.to).toContain(mailerUser.email);
    expect(mail.subject).toContain('Morning lark is live');
    expect(mail.text).toContain('http://roomcast.test/c/lark');
    // One mail only: the unconfirmed address got none.
    expect(inbox.queued).toBe(0);
    expect(strangerTold).toBe(false);
    await ask(studio, 'dj:end', {});
  });
});
