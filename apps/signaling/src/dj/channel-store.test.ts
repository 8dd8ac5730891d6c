// The channel store on SQLite and PostgreSQL: channels, live and scheduled broadcasts, chat, bans.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateError, type Database } from '../db/index.js';
import { shortId, timeOrderedId } from '../db/ids.js';
import { testDatabases, type TestDatabase } from '../testing/databases.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

const fields = (handle: string) => ({ handle, title: 'Night shift', description: '', links: [{ label: 'Site', url: 'https://example.org' }], artworkUrl: null });

describe.each(testDatabases)('channel store on $name', ({ create }) => {
  let target: TestDatabase;
  let db: Database;
  let ownerId: string;
  let channelId: string;

  beforeAll(async () => {
    target = await create();
    db = await openDatabase(target.url);
    ownerId = (await db.users.create({ displayName: 'DJ Ada', role: 'broadcaster' })).id;
    const room = await db.rooms.create({ name: 'Night', kind: 'dj', ownerId });
    channelId = (await db.channels.create({ ...fields('night'), id: shortId(), ownerId, roomId: room.id })).id;
  });
  afterAll(async () => {
    await db?.close();
    await target?.drop();
  });

  it('finds a channel by handle, owner and room; handles are unique', async () => {
    const channel = await db.channels.findByHandle('night');
    expect(channel).toMatchObject({ ownerId, ownerName: 'DJ Ada', links: [{ label: 'Site', url: 'https://example.org' }] });
    expect((await db.channels.findByRoom(channel!.roomId))?.id).toBe(channel!.id);
    const other = (await db.users.create({ displayName: 'Other', role: 'broadcaster' })).id;
    const room = await db.rooms.create({ name: 'x', kind: 'dj', ownerId: other });
    await expect(db.channels.create({ ...fields('night'), id: shortId(), ownerId: other, roomId: room.id })).rejects.toBeInstanceOf(DuplicateError);
    expect((await db.channels.update(ownerId, { ...fields('night-2'), title: 'Renamed' }))?.handle).toBe('night-2');
    expect(await db.channels.update(other, fields('zzz'))).toBeNull();
    await db.channels.update(ownerId, fields('night'));
  });

  it('keeps one live broadcast, ends it with its numbers, lists it as past', async () => {
    await db.channels.startLive(channelId, { id: shortId(), title: 'First', at: new Date('2030-01-01T20:00:00Z') });
    const second = await db.channels.startLive(channelId, { id: shortId(), title: 'Second', at: new Date('2030-01-02T20:00:00Z') });
    expect((await db.channels.live(channelId))?.id).toBe(second.id);
    const ended = await db.channels.endLive(channelId, { at: new Date('2030-01-02T21:00:00Z'), peakListeners: 7, likes: 3 });
    expect(ended).toMatchObject({ status: 'ended', peakListeners: 7, likes: 3 });
    expect(await db.channels.live(channelId)).toBeNull();
    expect(await db.channels.endLive(channelId, { at: new Date(), peakListeners: 0, likes: 0 })).toBeNull();
    const past = await db.channels.past(channelId, { limit: 1 });
    expect(past.items.map((b) => b.title)).toEqual(['Second']);
    const rest = await db.channels.past(channelId, { cursor: past.next!, limit: 1 });
    expect(rest.items.map((b) => b.title)).toEqual(['First']);
    expect(rest.next).toBeNull();
  });

  it('pages upcoming broadcasts soonest first and drops those already over', async () => {
    const now = new Date('2031-06-01T00:00:00Z');
    const at = (h: number) => new Date(now.getTime() + h * 3_600_000);
    await db.channels.schedule(channelId, { id: shortId(), title: 'Over', description: '', start: at(-3), end: at(-1) });
    for (const h of [5, 1, 3]) await db.channels.schedule(channelId, { id: shortId(), title: `In ${h}h`, description: '', start: at(h), end: at(h + 1) });
    const first = await db.channels.upcoming(channelId, now, { limit: 2 });
    expect(first.items.map((b) => b.title)).toEqual(['In 1h', 'In 3h']);
    const second = await db.channels.upcoming(channelId, now, { cursor: first.next!, limit: 2 });
    expect(second.items.map((b) => b.title)).toEqual(['In 5h']);
    expect(second.next).toBeNull();
    expect(await db.channels.countUpcoming(channelId, now)).toBe(3);
  });

  it('keeps archives hidden until published; edits and drops them', async () => {
    const b = await db.channels.startLive(channelId, { id: shortId(), title: 'Rec', at: new Date('2032-01-01T20:00:00Z') });
    await db.channels.endLive(channelId, { at: new Date('2032-01-01T21:00:00Z'), peakListeners: 1, likes: 0 });
    expect(await db.channels.editArchive(b.id, { published: true })).toBeNull(); // no recording yet
    await db.channels.setArchive(b.id, `${b.id}.ogg`);
    expect((await db.channels.archives(channelId, false, { limit: 5 })).items).toEqual([]);
    expect((await db.channels.archives(channelId, true, { limit: 5 })).items.map((a) => a.id)).toEqual([b.id]);
    expect(await db.channels.editArchive(b.id, { published: true, title: 'Rec (edited)' })).toMatchObject({ published: true, title: 'Rec (edited)', archiveFile: `${b.id}.ogg` });
    expect((await db.channels.archives(channelId, false, { limit: 5 })).items.map((a) => a.id)).toEqual([b.id]);
    expect(await db.channels.dropArchive(b.id)).toBe(`${b.id}.ogg`);
    expect(await db.channels.dropArchive(b.id)).toBeNull();
    expect((await db.channels.archives(channelId, true, { limit: 5 })).items).toEqual([]);
  });

  it('keeps chat, hides deleted messages and remembers bans', async () => {
    const b = await db.channels.startLive(channelId, { id: shortId(), title: 'Chat', at: new Date() });
    const listener = (await db.users.create({ displayName: 'Lis', isGuest: true })).id;
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      ids.push((await db.channels.addChat({ id: timeOrderedId(), broadcastId: b.id, userId: listener, displayName: 'Lis', text })).id);
    }
    expect(await db.channels.deleteChat(b.id, ids[1]!)).toBe(true);
    expect(await db.channels.deleteChat(b.id, ids[1]!)).toBe(false);
    expect(await db.channels.deleteChat('other', ids[0]!)).toBe(false);
    expect((await db.channels.recentChat(b.id, 10)).map((m) => m.text)).toEqual(['one', 'three']);
    expect((await db.channels.recentChat(b.id, 1)).map((m) => m.text)).toEqual(['three']);
    expect((await db.channels.chatLog(b.id, 10)).map((m) => m.text)).toEqual(['one', 'three']);
    expect((await db.channels.chatLog(b.id, 1)).map((m) => m.text)).toEqual(['one']);
    expect(await db.channels.findChat(ids[1]!)).toBeNull();
    expect(await db.channels.isBanned(channelId, listener)).toBe(false);
    await db.channels.ban(channelId, listener);
    await db.channels.ban(channelId, listener);
    expect(await db.channels.isBanned(channelId, listener)).toBe(true);
  });
});
