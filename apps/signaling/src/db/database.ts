// openDatabase(): picks the provider from the URL, applies pending migrations, and returns the
// stores on the matching generated Prisma client.
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { type Client, PrismaRoomStore, PrismaSessionStore, PrismaUserStore } from './prisma-stores.js';
import { applyMigrations, DEFAULT_MIGRATIONS_ROOT } from './schema-engine.js';
import type { Database, DatabaseProvider, DbLogger } from './types.js';
import { PrismaAccountData } from '../accounts/prisma-account-data.js';
import { PrismaEmailTokenStore } from '../email/prisma-email-token-store.js';
import { PrismaTranscodeJobStore } from '../videos/prisma-transcode-jobs.js';
import { PrismaChannelStore } from '../dj/prisma-channel-store.js';
import { PrismaVideoStore } from '../videos/prisma-video-store.js';
import { PrismaLibraryStore } from '../library/prisma-library-store.js';
import { PrismaModerationStore } from '../rooms/prisma-moderation-store.js';

export type ParsedDatabaseUrl =
  | { provider: 'sqlite'; /** absolute file path */ path: string }
  | { provider: 'postgresql'; url: string };

/**
 * `postgres://…` / `postgresql://…` → PostgreSQL. `file:<path>`, `file:///abs/path` or a bare
 * path → SQLite file (relative paths resolve against the working directory; a `?query` suffix
 * is ignored). In-memory SQLite is refused: migrations run on their own connection, which would
 * see a different, empty in-memory database.
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): ParsedDatabaseUrl {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { provider: 'postgresql', url: trimmed };
  let path: string;
  if (/^file:\/\//i.test(trimmed)) {
    path = fileURLToPath(trimmed.replace(/\?.*$/, ''));
  } else if (/^file:/i.test(trimmed)) {
    path = trimmed.slice('file:'.length).replace(/\?.*$/, '');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new Error(`unsupported database URL scheme in ${JSON.stringify(redactUrl(trimmed))}: use file: (SQLite) or postgres://`);
  } else {
    path = trimmed;
  }
  if (!path || path === ':memory:' || path.startsWith(':memory:') || path.includes('mode=memory')) {
    throw new Error('in-memory SQLite is not supported: use a file (a temporary one for tests)');
  }
  return { provider: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

export interface OpenDatabaseOptions {
  /** Folder holding sqlite/ and postgresql/ migration folders; defaults to prisma/migrations. */
  migrationsRoot?: string;
  /** Apply pending migrations at open (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size for queries (default 10). */
  poolSize?: number;
}

/**
 * SQLite pragmas for every connection: WAL lets readers run beside the writer; foreign keys are
 * OFF by default in SQLite and the schema relies on them (ON DELETE CASCADE).
 */
const SQLITE_PRAGMAS = 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;';

async function sqliteFactory(path: string): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  // `timeout`: how long better-sqlite3 waits on a locked database (busy_timeout), in ms.
  const inner = new PrismaBetterSqlite3({ url: path, timeout: 5000 });
  const init = async (adapter: SqlDriverAdapter) => {
    await adapter.executeScript(SQLITE_PRAGMAS);
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => init(await inner.connect()),
    connectToShadowDb: async () => init(await inner.connectToShadowDb()),
  };
}

async function loadClient(provider: DatabaseProvider, adapter: SqlMigrationAwareDriverAdapterFactory): Promise<Client> {
  if (provider === 'sqlite') {
    const { PrismaClient } = await import('../generated/sqlite/client.js');
    return new PrismaClient({ adapter });
  }
  const { PrismaClient } = await import('../generated/postgresql/client.js');
  // Same models, same API, different nominal type: see the note at the top of prisma-stores.ts.
  return new PrismaClient({ adapter }) as unknown as Client;
}

/**
 * Opens the database at `url` (see parseDatabaseUrl), applies pending migrations (logged), and
 * returns the stores. Throws when the database cannot be reached or a migration fails.
 */
export async function openDatabase(url: string, log?: DbLogger, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  const provider = target.provider;
  const where = target.provider === 'sqlite' ? { path: target.path } : { url: redactUrl(target.url) };
  const migrationsDir = join(options.migrationsRoot ?? DEFAULT_MIGRATIONS_ROOT, provider);
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };

  try {
    let factory: SqlMigrationAwareDriverAdapterFactory;
    let migrationFactory: SqlMigrationAwareDriverAdapterFactory;
    if (target.provider === 'sqlite') {
      await mkdir(dirname(target.path), { recursive: true });
      factory = migrationFactory = await sqliteFactory(target.path);
    } else {
      const [{ PrismaPg }, { default: pg }] = await Promise.all([import('@prisma/adapter-pg'), import('pg')]);
      const onPoolError = (err: Error) => log?.warn({ err }, 'postgres idle connection error');
      // The schema engine gets a one-connection pool of its own: it takes a session-level
      // advisory lock and must release it on the same connection.
      const migrationPool = new pg.Pool({ connectionString: target.url, max: 1 });
      migrationPool.on('error', onPoolError);
      cleanups.push(() => migrationPool.end());
      migrationFactory = new PrismaPg(migrationPool);
      const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10 });
      pool.on('error', onPoolError);
      cleanups.push(() => pool.end());
      factory = new PrismaPg(pool);
    }

    let appliedMigrations: string[] = [];
    if (options.migrate ?? true) {
      const started = Date.now();
      appliedMigrations = await applyMigrations(provider, migrationFactory, migrationsDir);
      const ms = Date.now() - started;
      if (appliedMigrations.length) {
        log?.info({ provider, ...where, migrations: appliedMigrations, ms }, `applied ${appliedMigrations.length} database migration(s)`);
      } else {
        log?.info({ provider, ...where, ms }, 'database schema is up to date');
      }
    }
    if (target.provider === 'postgresql') {
      // Done with the migration pool: release its connection now rather than at close().
      await cleanups.shift()?.();
    }

    const prisma = await loadClient(provider, factory);
    cleanups.push(() => prisma.$disconnect());
    await prisma.$connect();

    let closed: Promise<void> | undefined;
    const db: Database = {
      provider,
      users: new PrismaUserStore(prisma, provider),
      sessions: new PrismaSessionStore(prisma),
      rooms: new PrismaRoomStore(prisma),
      videos: new PrismaVideoStore(prisma),
      emailTokens: new PrismaEmailTokenStore(prisma),
      accounts: new PrismaAccountData(prisma),
      transcodeJobs: new PrismaTranscodeJobStore(prisma),
      library: new PrismaLibraryStore(prisma),
      channels: new PrismaChannelStore(prisma),
      moderation: (banMs, clock) => new PrismaModerationStore(prisma, banMs, clock),
      appliedMigrations,
      async ping() {
        // Prisma would silently reconnect after $disconnect(); a closed database is not ready.
        if (closed) throw new Error('database is closed');
        await prisma.$queryRawUnsafe('SELECT 1');
      },
      close() {
        closed ??= runCleanups().then(() => log?.debug({ provider }, 'database closed'));
        return closed;
      },
    };
    log?.debug({ provider, ...where }, 'database open');
    return db;
  } catch (err) {
    await runCleanups();
    throw err;
  }
}
