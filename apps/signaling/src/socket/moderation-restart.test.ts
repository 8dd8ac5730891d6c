import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ask, Client, startTestApp } from '../testing/test-app.js';

/** Moderation is kept in the database: a restart on the same data directory remembers it. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'roomcast-moderation-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('a ban, a moderator’s mute and the moderated flag survive a restart of the app', { timeout: 60_000 }, async () => {
  const env = { DATA_DIR: dataDir, ROOM_BAN_SECONDS: '600' };
  let roomId: string;
  let bannedUntil: string;
  let cookies: string[];

  const first = await startTestApp(env);
  try {
    const [owner, banned, muted] = [new Client(first.url), new Client(first.url), new Client(first.url)];
    await owner.call('POST', '/api/auth/signup', { email: 'keeper@example.org', password: 'moderation is kept', displayName: 'Keeper' });
    await banned.call('POST', '/api/auth/guest', { displayName: 'Troll' });
    await muted.call('POST', '/api/auth/guest', { displayName: 'Loud' });
    roomId = (await owner.call('POST', '/api/rooms', { name: 'Kept' })).json.room.id;
    const [mod, trollSocket, loudSocket] = await Promise.all([owner.socket(), banned.socket(), muted.socket()]);
    await ask(mod, 'room:join', { roomId });
    const troll = (await ask(trollSocket, 'room:join', { roomId })).data.self.peerId;
    const loud = (await ask(loudSocket, 'room:join', { roomId })).data.self.peerId;
    expect((await ask(mod, 'mod:setModerated', { moderated: true })).ok).toBe(true);
    expect((await ask(mod, 'mod:mutePeer', { peerId: loud })).ok).toBe(true);
    const removed = await ask(mod, 'mod:removePeer', { peerId: troll });
    expect(removed.ok).toBe(true);
    bannedUntil = removed.data.bannedUntil;
    for (const s of [mod, trollSocket, loudSocket]) s.close();
    cookies = [owner, banned, muted].map((c) => c.cookie);
  } finally {
    await first.cleanup();
  }

  const second = await startTestApp(env);
  try {
    // Same data directory: the sessions (cookies) and the room are still there.
    const [owner, banned, muted] = cookies.map((cookie) => Object.assign(new Client(second.url), { cookie }));
    const [mod, trollSocket, loudSocket] = await Promise.all([owner.socket(), banned.socket(), muted.socket()]);
    const refused = await ask(trollSocket, 'room:join', { roomId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'banned' } });
    expect(refused.error.message).toContain(bannedUntil);
    const joined = await ask(mod, 'room:join', { roomId });
    expect(joined.data.moderated).toBe(true);
    expect((await ask(loudSocket, 'room:join', { roomId })).data.self.moderatorMuted).toBe(true);
    for (const s of [mod, trollSocket, loudSocket]) s.close();
  } finally {
    await second.cleanup();
  }
});
