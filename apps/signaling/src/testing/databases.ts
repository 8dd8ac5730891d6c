// Throw-away databases for tests of stores: a SQLite file in a temp folder, or a uniquely named
// PostgreSQL database on 127.0.0.1:5432 (ROOMCAST_TEST_PG_ADMIN_URL overrides). An unreachable
// PostgreSQL fails the test: it is never skipped.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const PG_ADMIN_URL = process.env.ROOMCAST_TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'roomcast-db-'));
  return { url: `file:${join(dir, 'roomcast.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
}

export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `roomcast_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export const testDatabases = [
  { name: 'sqlite', create: sqliteDatabase },
  { name: 'postgresql', create: postgresDatabase },
] as const;
