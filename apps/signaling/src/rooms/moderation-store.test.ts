// Every moderation store answers alike: the memory one, and the database one on SQLite and PostgreSQL.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.js';
import { testDatabases, type TestDatabase } from '../testing/databases.js';
import type { Clock } from './clock.js';
import { MemoryModerationStore } from './memory-moderation-store.js';
import type { ModerationStore } from './moderation-store.js';

execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
const { openDatabase } = await import('../db/index.js');

/** Makes a store, and two rooms and three accounts it may act on (the database needs real rows). */
interface Fixture {
  make(banMs: number, clock?: Clock): ModerationStore;
  rooms: [string, string];
  users: [string, string, string];
}

const memory = { name: 'memory', create: async () => null };

describe.each([memory, ...testDatabases])('moderation store ($name)', ({ create }) => {
  let target: TestDatabase | null;
  let db: Database | undefined;
  let f: Fixture;

  beforeAll(async () => {
    target = await create();
    if (!target) {
      f = { make: (banMs, clock) => new MemoryModerationStore(banMs, clock), rooms: ['r1', 'r2'], users: ['u-x', 'u-y', 'u-b'] };
      return;
    }
    const opened = await openDatabase(target.url);
    db = opened;
    const [x, y, b] = await Promise.all(['X', 'Y', 'B'].map((displayName) => opened.users.create({ displayName })));
    const [r1, r2] = await Promise.all(['one', 'two'].map((name) => opened.rooms.create({ name, kind: 'voice', ownerId: x!.id })));
    f = { make: (banMs, clock) => opened.moderation(banMs, clock), rooms: [r1!.id, r2!.id], users: [x!.id, y!.id, b!.id] };
  });
  afterAll(async () => {
    await db?.close();
    await target?.drop();
  });

  it('bans an account for the configured time by its clock, then lets it back', async () => {
    const [r1] = f.rooms;
    const [x, y] = f.users;
    let now = 10_000;
    const store = f.make(60_000, () => now);
    await store.setMuted(r1, x, true);
    expect(await store.ban(r1, x)).toBe(70_000);
    // A ban replaces a mute: the account is out, not muted.
    expect(await store.view(r1, x)).toEqual({ moderated: false, muted: false, bannedUntil: 70_000 });
    expect((await store.view(r1, y)).bannedUntil).toBeUndefined();
    now = 70_000;
    expect((await store.view(r1, x)).bannedUntil).toBeUndefined();
  });

  it('keeps mutes and the moderated flag per room until forgotten', async () => {
    const [r1, r2] = f.rooms;
    const b = f.users[2];
    const store = f.make(1_000);
    await store.setModerated(r1, true);
    await store.setMuted(r1, b, true);
    expect(await store.view(r1, b)).toMatchObject({ moderated: true, muted: true });
    expect(await store.view(r2, b)).toMatchObject({ moderated: false, muted: false });
    await store.setMuted(r1, b, false);
    expect((await store.view(r1, b)).muted).toBe(false);
    await store.setMuted(r1, b, true);
    await store.forget(r1);
    expect(await store.view(r1, b)).toEqual({ moderated: false, muted: false, bannedUntil: undefined });
  });

  it('unmuting a banned account keeps its ban', async () => {
    const [, r2] = f.rooms;
    const y = f.users[1];
    const store = f.make(60_000, () => 1_000);
    await store.ban(r2, y);
    await store.setMuted(r2, y, false);
    expect((await store.view(r2, y)).bannedUntil).toBe(61_000);
    await store.forget(r2);
  });
});
