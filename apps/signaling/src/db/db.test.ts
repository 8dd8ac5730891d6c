// One suite, run on SQLite (temporary file) and on PostgreSQL (a fresh, uniquely named database
// on 127.0.0.1:5432 — override with ROOMCAST_TEST_PG_ADMIN_URL). If PostgreSQL is unreachable
// the PostgreSQL suite FAILS: it is never skipped.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { diffDatamodels } from '../../scripts/lib/prisma-shared.mjs';
import type { Database, DbLogger } from './types.js';

// The generated clients (src/generated, git-ignored) must exist before ./index.js is imported:
// the generate script is idempotent and returns at once when they are up to date.
execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/prisma-generate.mjs', import.meta.url))], {
  stdio: 'inherit',
});
const { openDatabase, DuplicateError, InvalidValueError, parseDatabaseUrl, redactUrl } = await import('./index.js');

const MIGRATIONS_ROOT = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));
const PG_ADMIN_URL = process.env.ROOMCAST_TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}
function captureLogger(): { logger: DbLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

interface Target {
  url: string;
  /** Runs SQL on the database behind the stores' back (to check what they really wrote). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

const providers: Array<{ name: 'sqlite' | 'postgresql'; create(): Promise<Target> }> = [
  {
    name: 'sqlite',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'roomcast-db-'));
      // A folder that does not exist yet: openDatabase must create it.
      const file = join(dir, 'nested', 'data', 'roomcast.db');
      return {
        url: `file:${file}`,
        async query(sql) {
          const conn = new BetterSqlite3(file, { readonly: true });
          try {
            return conn.prepare(sql).all() as Record<string, unknown>[];
          } finally {
            conn.close();
          }
        },
        drop: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgresql',
    async create() {
      const dbName = `roomcast_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
      await admin.connect(); // throws (and fails the suite) when PostgreSQL is unreachable
      await admin.query(`CREATE DATABASE "${dbName}"`);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${dbName}`;
      return {
        url: url.toString(),
        async query(sql) {
          const conn = new pg.Client({ connectionString: url.toString() });
          await conn.connect();
          try {
            return (await conn.query(sql)).rows as Record<string, unknown>[];
          } finally {
            await conn.end();
          }
        },
        async drop() {
          try {
            await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
          } finally {
            await admin.end();
          }
        },
      };
    },
  },
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newToken = () => sha256(randomBytes(32).toString('base64url'));
const uniqueEmail = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}@example.com`;
const HOUR = 3600_000;

describe.each(providers)('database on $name', ({ name, create }) => {
  let target: Target;
  let db: Database;
  let firstOpenLog: LogLine[];
  const migrationNames = async () =>
    (await readdir(join(MIGRATIONS_ROOT, name), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();

  // A setup failure (e.g. PostgreSQL unreachable) fails every test of the suite, rather than
  // letting the runner report them as skipped.
  let setupError: unknown;
  beforeAll(async () => {
    try {
      target = await create();
      const { logger, lines } = captureLogger();
      db = await openDatabase(target.url, logger);
      firstOpenLog = lines;
    } catch (err) {
      setupError = err;
    }
  }, 60_000);
  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    await db?.close();
    await target?.drop();
  }, 60_000);

  describe('migrations', () => {
    it('picks the provider from the URL', () => {
      expect(db.provider).toBe(name);
      expect(parseDatabaseUrl(target.url).provider).toBe(name);
    });

    it('applies every committed migration to a fresh database and logs them', async () => {
      const expected = await migrationNames();
      expect(expected.length).toBeGreaterThan(0);
      expect(db.appliedMigrations).toEqual(expected);
      const applied = firstOpenLog.find((l) => l.level === 'info' && Array.isArray(l.obj.migrations));
      expect(applied?.obj.migrations).toEqual(expected);
      expect(applied?.msg).toMatch(/applied \d+ database migration/);
      // Recorded as `prisma migrate deploy` would, all finished.
      const rows = await target.query('SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name');
      expect(rows.map((r) => r.migration_name)).toEqual(expected);
      for (const row of rows) {
        expect(row.finished_at).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
      }
    });

    it('creates the tables', async () => {
      const sql =
        name === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
          : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name";
      const tables = (await target.query(sql)).map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['_prisma_migrations', 'rooms', 'sessions', 'users']));
      if (name === 'sqlite') {
        // WAL is a property of the file, set by openDatabase.
        expect((await target.query('PRAGMA journal_mode'))[0]?.journal_mode).toBe('wal');
      }
    });

    it('is idempotent: reopening applies nothing and keeps the data', async () => {
      const user = await db.users.create({ displayName: 'Persisted', email: uniqueEmail('persist') });
      const { logger, lines } = captureLogger();
      const again = await openDatabase(target.url, logger);
      try {
        expect(again.appliedMigrations).toEqual([]);
        expect(lines.some((l) => l.level === 'info' && l.msg === 'database schema is up to date')).toBe(true);
        expect((await again.users.findById(user.id))?.displayName).toBe('Persisted');
      } finally {
        await again.close();
      }
      const rows = await target.query('SELECT COUNT(*) AS n FROM _prisma_migrations');
      expect(Number(rows[0]?.n)).toBe((await migrationNames()).length);
    });

    it('ping() answers and close() is idempotent', async () => {
      const other = await openDatabase(target.url);
      await expect(other.ping()).resolves.toBeUndefined();
      await other.close();
      await other.close();
      await expect(other.ping()).rejects.toThrow();
    });
  });

  describe('users', () => {
    it('creates and finds a user; email lookups ignore case', async () => {
      const email = uniqueEmail('Alice').replace('alice', 'ALIce');
      const user = await db.users.create({ email: `  ${email} `, passwordHash: 'hash', displayName: 'Alice' });
      expect(user).toMatchObject({
        email: email.toLowerCase(),
        passwordHash: 'hash',
        displayName: 'Alice',
        role: 'listener',
        isGuest: false,
      });
      expect(user.id).toMatch(/^\w{20,}$/);
      expect(user.createdAt).toBeInstanceOf(Date);
      expect(user.updatedAt).toBeInstanceOf(Date);
      expect(await db.users.findById(user.id)).toEqual(user);
      expect(await db.users.findByEmail(email.toUpperCase())).toEqual(user);
      expect(await db.users.findByEmail(` ${email.toLowerCase()}`)).toEqual(user);
      expect(await db.users.findByEmail('nobody@example.com')).toBeNull();
      expect(await db.users.findById('missing')).toBeNull();
      // Stored lower-cased, so the unique index is case-insensitive too.
      const [row] = await target.query(`SELECT email FROM users WHERE id = '${user.id}'`);
      expect(row?.email).toBe(email.toLowerCase());
    });

    it('rejects a duplicate email, whatever its case, with DuplicateError', async () => {
      const email = uniqueEmail('dup');
      await db.users.create({ email, displayName: 'First' });
      const attempt = db.users.create({ email: email.toUpperCase(), displayName: 'Second' });
      await expect(attempt).rejects.toBeInstanceOf(DuplicateError);
      const err = await attempt.catch((e: unknown) => e);
      expect((err as InstanceType<typeof DuplicateError>).isOn('email')).toBe(true);
      expect((err as InstanceType<typeof DuplicateError>).code).toBe('P2002');
    });

    it('stores guests without email (several of them)', async () => {
      const a = await db.users.create({ displayName: 'Guest A', isGuest: true });
      const b = await db.users.create({ displayName: 'Guest B', isGuest: true, email: null });
      expect(a).toMatchObject({ email: null, passwordHash: null, isGuest: true, role: 'listener' });
      expect(b.id).not.toBe(a.id);
    });

    it('sets roles and validates them', async () => {
      const user = await db.users.create({ displayName: 'Bob', email: uniqueEmail('bob'), role: 'broadcaster' });
      expect(user.role).toBe('broadcaster');
      const admin = await db.users.setRole(user.id, 'admin');
      expect(admin?.role).toBe('admin');
      expect(admin!.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
      expect((await db.users.findById(user.id))?.role).toBe('admin');
      expect(await db.users.setRole('missing', 'admin')).toBeNull();
      await expect(db.users.setRole(user.id, 'root' as never)).rejects.toBeInstanceOf(InvalidValueError);
      await expect(db.users.create({ displayName: 'X', role: 'owner' as never })).rejects.toBeInstanceOf(InvalidValueError);
      await expect(db.users.create({ displayName: 'X', email: '   ' })).rejects.toBeInstanceOf(InvalidValueError);
    });

    it('disabling an account deletes its sessions at once and hides any left; re-enabling keeps none', async () => {
      const user = await db.users.create({ displayName: 'Dee', email: uniqueEmail('dee') });
      const other = await db.users.create({ displayName: 'Eve', email: uniqueEmail('eve') });
      const expiresAt = new Date(Date.now() + 60_000);
      await db.sessions.create({ userId: user.id, tokenHash: `dee-${user.id}`, expiresAt });
      await db.sessions.create({ userId: other.id, tokenHash: `eve-${other.id}`, expiresAt });
      const at = new Date('2026-12-01T12:00:00Z');
      expect((await db.users.setDisabled(user.id, true, at))?.disabledAt).toEqual(at);
      expect(await db.sessions.findValidByTokenHash(`dee-${user.id}`)).toBeNull();
      expect(await db.sessions.findValidByTokenHash(`eve-${other.id}`)).not.toBeNull();
      // A session written after the decision (a sign-in racing it) still resolves to nothing.
      await db.sessions.create({ userId: user.id, tokenHash: `late-${user.id}`, expiresAt });
      expect(await db.sessions.findValidByTokenHash(`late-${user.id}`)).toBeNull();
      expect((await db.users.setDisabled(user.id, false))?.disabledAt).toBeNull();
      expect(await db.sessions.findValidByTokenHash(`dee-${user.id}`)).toBeNull();
      expect(await db.users.setDisabled('missing', true)).toBeNull();
    });

    it('searches registered accounts by email or name, ignoring case, newest first, in pages', async () => {
      const tag = uniqueEmail('srch').split('@')[0]!;
      const made = [];
      for (const name of ['Zed', 'Ann', 'Bob']) made.push(await db.users.create({ displayName: `${name} ${tag.toUpperCase()}`, email: `${name.toLowerCase()}.${tag}@example.org` }));
      await db.users.create({ displayName: `Guest ${tag}`, isGuest: true });
      const all = await db.users.search(tag.toUpperCase(), 10);
      expect(all.map((u) => u.id)).toEqual(made.map((u) => u.id).reverse());
      expect((await db.users.search(`ANN.${tag}`, 10)).map((u) => u.displayName)).toEqual([`Ann ${tag.toUpperCase()}`]);
      const first = await db.users.search(tag, 2);
      const rest = await db.users.search(tag, 2, first.at(-1)!.id);
      expect([...first, ...rest].map((u) => u.id)).toEqual(all.map((u) => u.id));
    });

    it('counts users, optionally filtered', async () => {
      const before = {
        all: await db.users.count(),
        guests: await db.users.count({ isGuest: true }),
        admins: await db.users.count({ role: 'admin' }),
      };
      await db.users.create({ displayName: 'G', isGuest: true });
      await db.users.create({ displayName: 'A', email: uniqueEmail('adm'), role: 'admin' });
      await db.users.create({ displayName: 'L', email: uniqueEmail('lis') });
      expect(await db.users.count()).toBe(before.all + 3);
      expect(await db.users.count({ isGuest: true })).toBe(before.guests + 1);
      expect(await db.users.count({ role: 'admin' })).toBe(before.admins + 1);
      expect(await db.users.count({ isGuest: false, role: 'admin' })).toBe(before.admins + 1);
    });
  });

  describe('sessions', () => {
    it('creates a session and finds it (with its user) by token hash', async () => {
      const user = await db.users.create({ displayName: 'Carol', email: uniqueEmail('carol') });
      const tokenHash = newToken();
      const expiresAt = new Date(Date.now() + HOUR);
      const session = await db.sessions.create({ userId: user.id, tokenHash, expiresAt });
      expect(session).toMatchObject({ userId: user.id, tokenHash, expiresAt });
      expect(session.lastSeenAt.getTime()).toBe(session.createdAt.getTime());
      const found = await db.sessions.findValidByTokenHash(tokenHash);
      expect(found?.session).toEqual(session);
      expect(found?.user).toEqual(user);
      expect(await db.sessions.findValidByTokenHash(newToken())).toBeNull();
    });

    it('does not return an expired session', async () => {
      const user = await db.users.create({ displayName: 'Dave', email: uniqueEmail('dave') });
      const expired = newToken();
      await db.sessions.create({ userId: user.id, tokenHash: expired, expiresAt: new Date(Date.now() - 1000) });
      expect(await db.sessions.findValidByTokenHash(expired)).toBeNull();
      // Valid now, expired an hour later; expiry is exclusive.
      const valid = newToken();
      const expiresAt = new Date(Date.now() + HOUR);
      await db.sessions.create({ userId: user.id, tokenHash: valid, expiresAt });
      expect(await db.sessions.findValidByTokenHash(valid)).not.toBeNull();
      expect(await db.sessions.findValidByTokenHash(valid, new Date(Date.now() + 2 * HOUR))).toBeNull();
      expect(await db.sessions.findValidByTokenHash(valid, expiresAt)).toBeNull();
    });

    it('touch() records activity and can slide the expiry', async () => {
      const user = await db.users.create({ displayName: 'Erin', email: uniqueEmail('erin') });
      const tokenHash = newToken();
      await db.sessions.create({ userId: user.id, tokenHash, expiresAt: new Date(Date.now() + HOUR) });
      const seen = new Date(Date.now() + 60_000);
      expect(await db.sessions.touch(tokenHash, { now: seen })).toBe(true);
      expect((await db.sessions.findValidByTokenHash(tokenHash))?.session.lastSeenAt).toEqual(seen);
      const later = new Date(Date.now() + 5 * HOUR);
      expect(await db.sessions.touch(tokenHash, { expiresAt: later })).toBe(true);
      expect((await db.sessions.findValidByTokenHash(tokenHash))?.session.expiresAt).toEqual(later);
      expect(await db.sessions.touch(newToken())).toBe(false);
    });

    it('delete() logs out one session; deleteAllForUser() all of them', async () => {
      const user = await db.users.create({ displayName: 'Frank', email: uniqueEmail('frank') });
      const [a, b, c] = [newToken(), newToken(), newToken()];
      for (const tokenHash of [a, b, c]) {
        await db.sessions.create({ userId: user.id, tokenHash, expiresAt: new Date(Date.now() + HOUR) });
      }
      expect(await db.sessions.delete(a)).toBe(true);
      expect(await db.sessions.delete(a)).toBe(false);
      expect(await db.sessions.findValidByTokenHash(a)).toBeNull();
      expect(await db.sessions.findValidByTokenHash(b)).not.toBeNull();
      expect(await db.sessions.deleteAllForUser(user.id)).toBe(2);
      expect(await db.sessions.findValidByTokenHash(c)).toBeNull();
    });

    it('deleteExpired() removes only expired sessions', async () => {
      const user = await db.users.create({ displayName: 'Gina', email: uniqueEmail('gina') });
      const now = new Date();
      const live = newToken();
      await db.sessions.create({ userId: user.id, tokenHash: live, expiresAt: new Date(now.getTime() + HOUR) });
      await db.sessions.create({ userId: user.id, tokenHash: newToken(), expiresAt: new Date(now.getTime() - HOUR) });
      await db.sessions.create({ userId: user.id, tokenHash: newToken(), expiresAt: new Date(now.getTime() - 1) });
      expect(await db.sessions.deleteExpired(now)).toBeGreaterThanOrEqual(2);
      expect(await db.sessions.deleteExpired(now)).toBe(0);
      const rows = await target.query(`SELECT token_hash FROM sessions WHERE user_id = '${user.id}'`);
      expect(rows.map((r) => r.token_hash)).toEqual([live]);
    });

    it('rejects a duplicate token hash and an unknown user', async () => {
      const user = await db.users.create({ displayName: 'Hank', email: uniqueEmail('hank') });
      const tokenHash = newToken();
      await db.sessions.create({ userId: user.id, tokenHash, expiresAt: new Date(Date.now() + HOUR) });
      const dup = await db.sessions
        .create({ userId: user.id, tokenHash, expiresAt: new Date(Date.now() + HOUR) })
        .catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(DuplicateError);
      expect((dup as InstanceType<typeof DuplicateError>).isOn('tokenHash')).toBe(true);
      // Foreign keys are enforced (on SQLite too: PRAGMA foreign_keys is set on every connection).
      await expect(
        db.sessions.create({ userId: 'no-such-user', tokenHash: newToken(), expiresAt: new Date(Date.now() + HOUR) }),
      ).rejects.toThrow();
    });
  });

  describe('cascade', () => {
    it('deleting a user deletes their sessions and rooms', async () => {
      const user = await db.users.create({ displayName: 'Ivy', email: uniqueEmail('ivy') });
      const other = await db.users.create({ displayName: 'Jack', email: uniqueEmail('jack') });
      const tokens = [newToken(), newToken()];
      for (const tokenHash of tokens) {
        await db.sessions.create({ userId: user.id, tokenHash, expiresAt: new Date(Date.now() + HOUR) });
      }
      const otherToken = newToken();
      await db.sessions.create({ userId: other.id, tokenHash: otherToken, expiresAt: new Date(Date.now() + HOUR) });
      const room = await db.rooms.create({ name: 'Ivy live', kind: 'dj', ownerId: user.id });

      expect(await db.users.delete(user.id)).toBe(true);
      expect(await db.users.delete(user.id)).toBe(false);
      expect(await db.users.findById(user.id)).toBeNull();
      for (const tokenHash of tokens) expect(await db.sessions.findValidByTokenHash(tokenHash)).toBeNull();
      const rows = await target.query(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = '${user.id}'`);
      expect(Number(rows[0]?.n)).toBe(0);
      expect(await db.rooms.findById(room.id)).toBeNull();
      expect(await db.sessions.findValidByTokenHash(otherToken)).not.toBeNull();
    });
  });

  describe('rooms', () => {
    it('creates rooms with short url-safe ids and finds them', async () => {
      const owner = await db.users.create({ displayName: 'Kim', email: uniqueEmail('kim'), role: 'broadcaster' });
      const room = await db.rooms.create({ name: 'Morning voice', kind: 'voice', ownerId: owner.id });
      expect(room).toMatchObject({ name: 'Morning voice', kind: 'voice', ownerId: owner.id, closedAt: null });
      expect(room.id).toMatch(/^[0-9A-Za-z]{10}$/);
      expect(await db.rooms.findById(room.id)).toEqual(room);
      expect(await db.rooms.findById('nope')).toBeNull();
      await expect(db.rooms.create({ name: 'x', kind: 'karaoke' as never, ownerId: owner.id })).rejects.toBeInstanceOf(
        InvalidValueError,
      );
      await expect(db.rooms.create({ name: 'x', kind: 'voice', ownerId: 'no-such-user' })).rejects.toThrow();
    });

    it('lists open rooms newest first, by kind, limited; closing removes them from the list', async () => {
      const owner = await db.users.create({ displayName: 'Lee', email: uniqueEmail('lee') });
      const created = [];
      for (const [i, kind] of (['watch', 'dj', 'watch', 'watch'] as const).entries()) {
        created.push(await db.rooms.create({ name: `room ${i}`, kind, ownerId: owner.id }));
        await new Promise((r) => setTimeout(r, 5)); // distinct createdAt (millisecond precision)
      }
      const mine = <T extends { ownerId: string }>(rooms: T[]) => rooms.filter((r) => r.ownerId === owner.id);
      const watch = mine(await db.rooms.listOpen({ kind: 'watch', limit: 500 }));
      expect(watch.map((r) => r.name)).toEqual(['room 3', 'room 2', 'room 0']);
      expect(mine(await db.rooms.listOpen({ kind: 'dj', limit: 500 })).map((r) => r.name)).toEqual(['room 1']);
      const all = await db.rooms.listOpen({ limit: 500 });
      expect(mine(all).map((r) => r.name)).toEqual(['room 3', 'room 2', 'room 1', 'room 0']);
      for (let i = 1; i < all.length; i++) {
        expect(all[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(all[i]!.createdAt.getTime());
      }
      expect(await db.rooms.listOpen({ limit: 2 })).toHaveLength(2);

      const closedAt = new Date(Date.now() + 1000);
      const closed = await db.rooms.close(created[2]!.id, closedAt);
      expect(closed?.closedAt).toEqual(closedAt);
      // Idempotent: a second close keeps the first closedAt.
      expect((await db.rooms.close(created[2]!.id, new Date(Date.now() + 9000)))?.closedAt).toEqual(closedAt);
      expect(mine(await db.rooms.listOpen({ kind: 'watch', limit: 500 })).map((r) => r.name)).toEqual(['room 3', 'room 0']);
      expect((await db.rooms.findById(created[2]!.id))?.closedAt).toEqual(closedAt);
      expect(await db.rooms.close('nope')).toBeNull();
    });
  });

  // A database of its own: "the first account" needs one with no account yet.
  describe('accounts and housekeeping (fresh database)', () => {
    let fresh: Target;
    let fdb: Database;
    beforeAll(async () => {
      if (setupError) return;
      fresh = await create();
      fdb = await openDatabase(fresh.url);
    }, 60_000);
    afterAll(async () => {
      await fdb?.close();
      await fresh?.drop();
    }, 60_000);

    it('makes exactly one admin when 10 first sign-ups race (guests do not count)', async () => {
      await fdb.users.create({ displayName: 'Early guest', isGuest: true });
      const accounts = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fdb.users.createAccount({ email: uniqueEmail(`race${i}`), passwordHash: 'h', displayName: `Racer ${i}` })),
      );
      expect(accounts.filter((u) => u.role === 'admin')).toHaveLength(1);
      expect(accounts.filter((u) => u.role === 'listener')).toHaveLength(9);
      expect(await fdb.users.count({ role: 'admin' })).toBe(1);
      const claims = await fresh.query('SELECT id FROM users WHERE first_account = true');
      expect(claims.map((r) => r.id)).toEqual([accounts.find((u) => u.role === 'admin')!.id]);
      // Later sign-ups, one at a time or racing again, are listeners.
      const later = await Promise.all([1, 2, 3].map((i) => fdb.users.createAccount({ email: uniqueEmail(`later${i}`), passwordHash: 'h', displayName: 'Later' })));
      expect(later.map((u) => u.role)).toEqual(['listener', 'listener', 'listener']);
      expect(await fdb.users.count({ role: 'admin' })).toBe(1);
    });

    it('createAccount refuses a registered email with DuplicateError on email', async () => {
      const email = uniqueEmail('twice');
      await fdb.users.createAccount({ email, passwordHash: 'h', displayName: 'One' });
      const err = await fdb.users.createAccount({ email: email.toUpperCase(), passwordHash: 'h', displayName: 'Two' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DuplicateError);
      expect((err as InstanceType<typeof DuplicateError>).isOn('email')).toBe(true);
    });

    it('deleteStaleGuests removes only old guests that hold no session', async () => {
      const lonely = await fdb.users.create({ displayName: 'No session', isGuest: true });
      const active = await fdb.users.create({ displayName: 'Signed in', isGuest: true });
      await fdb.sessions.create({ userId: active.id, tokenHash: newToken(), expiresAt: new Date(Date.now() + 2 * HOUR) });
      const lapsed = await fdb.users.create({ displayName: 'Expired session', isGuest: true });
      await fdb.sessions.create({ userId: lapsed.id, tokenHash: newToken(), expiresAt: new Date(Date.now() - HOUR) });
      const account = await fdb.users.create({ displayName: 'Account', email: uniqueEmail('acct') });

      // Nothing is old enough yet.
      expect(await fdb.users.deleteStaleGuests(new Date(Date.now() - HOUR))).toBe(0);
      // An hour on: the guest without a session goes; one whose session merely expired stays until
      // the expired session itself is pruned.
      const later = new Date(Date.now() + HOUR);
      expect(await fdb.users.deleteStaleGuests(later)).toBeGreaterThanOrEqual(1);
      expect(await fdb.users.findById(lonely.id)).toBeNull();
      expect(await fdb.users.findById(lapsed.id)).not.toBeNull();
      expect(await fdb.sessions.deleteExpired(later)).toBeGreaterThanOrEqual(1);
      expect(await fdb.users.deleteStaleGuests(later)).toBe(1);
      expect(await fdb.users.findById(lapsed.id)).toBeNull();
      expect(await fdb.users.findById(active.id)).not.toBeNull();
      expect(await fdb.users.findById(account.id)).not.toBeNull();
    });
  });
});

describe('parseDatabaseUrl', () => {
  it('maps URLs to providers', () => {
    expect(parseDatabaseUrl('postgres://u:p@h:5432/db')).toEqual({ provider: 'postgresql', url: 'postgres://u:p@h:5432/db' });
    expect(parseDatabaseUrl('postgresql://h/db').provider).toBe('postgresql');
    expect(parseDatabaseUrl('file:./data/x.db', '/srv/app')).toEqual({ provider: 'sqlite', path: '/srv/app/data/x.db' });
    expect(parseDatabaseUrl('file:/var/lib/x.db?mode=rwc')).toEqual({ provider: 'sqlite', path: '/var/lib/x.db' });
    expect(parseDatabaseUrl('file:///var/lib/x.db')).toEqual({ provider: 'sqlite', path: '/var/lib/x.db' });
    expect(parseDatabaseUrl('data/x.db', '/srv')).toEqual({ provider: 'sqlite', path: '/srv/data/x.db' });
    expect(() => parseDatabaseUrl(':memory:')).toThrow(/in-memory/);
    expect(() => parseDatabaseUrl('file::memory:')).toThrow(/in-memory/);
    expect(() => parseDatabaseUrl('mysql://root:secret@h/db')).toThrow(/unsupported/);
    expect(() => parseDatabaseUrl('mysql://root:secret@h/db')).not.toThrow(/secret/);
  });

  it('redacts passwords for logs', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/roomcast')).toBe('postgres://app:***@db:5432/roomcast');
    expect(redactUrl('postgresql://postgres@127.0.0.1/x')).toBe('postgresql://postgres@127.0.0.1/x');
  });

  it('generated clients exist for both providers', () => {
    for (const provider of ['sqlite', 'postgresql']) {
      expect(existsSync(fileURLToPath(new URL(`../generated/${provider}/client.ts`, import.meta.url)))).toBe(true);
    }
  });
});

describe('SQLite migrations that rebuild a table', () => {
  it('keep the rows of child tables (foreign keys are off while the script runs)', async () => {
    // SQLite cannot alter a column, so Prisma rebuilds the table: DROP TABLE "users" with
    // foreign keys on would cascade-delete every session and room. Build such a migration on
    // top of the committed ones and apply it to a database holding data.
    const dir = await mkdtemp(join(tmpdir(), 'roomcast-rebuild-'));
    try {
      const committed = join(MIGRATIONS_ROOT, 'sqlite');
      const last = (await readdir(committed, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort().at(-1)!;
      const current = await readFile(join(committed, last, 'schema.prisma'), 'utf8');
      const changed = current.replace(/displayName\s+String\s+@map/, 'displayName  String @default("") @map');
      expect(changed).not.toBe(current);
      const sql = await diffDatamodels('sqlite', current, changed);
      expect(sql).toContain('DROP TABLE "users"');

      const before = join(dir, 'before');
      const after = join(dir, 'after');
      await cp(MIGRATIONS_ROOT, before, { recursive: true });
      await cp(MIGRATIONS_ROOT, after, { recursive: true });
      await mkdir(join(after, 'sqlite', '99999999999999_rebuild_users'));
      await writeFile(join(after, 'sqlite', '99999999999999_rebuild_users', 'migration.sql'), sql);

      const url = `file:${join(dir, 'rebuild.db')}`;
      const db = await openDatabase(url, undefined, { migrationsRoot: before });
      const user = await db.users.create({ displayName: 'Keep', email: uniqueEmail('keep') });
      const tokenHash = newToken();
      await db.sessions.create({ userId: user.id, tokenHash, expiresAt: new Date(Date.now() + HOUR) });
      const room = await db.rooms.create({ name: 'kept', kind: 'watch', ownerId: user.id });
      await db.close();

      const migrated = await openDatabase(url, undefined, { migrationsRoot: after });
      try {
        expect(migrated.appliedMigrations).toEqual(['99999999999999_rebuild_users']);
        expect((await migrated.sessions.findValidByTokenHash(tokenHash))?.user.id).toBe(user.id);
        expect((await migrated.rooms.findById(room.id))?.name).toBe('kept');
        // Foreign keys are back on afterwards.
        await expect(
          migrated.sessions.create({ userId: 'no-such-user', tokenHash: newToken(), expiresAt: new Date(Date.now() + HOUR) }),
        ).rejects.toThrow();
      } finally {
        await migrated.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
