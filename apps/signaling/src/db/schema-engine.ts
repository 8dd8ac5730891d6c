// Applies the committed SQL migrations at start-up, offline, with Prisma's schema engine compiled
// to WebAssembly (@prisma/schema-engine-wasm) driven by a driver adapter. This is exactly what
// `prisma migrate deploy` does (same engine, same `_prisma_migrations` bookkeeping, same
// checksums and advisory locking) without the native engine binary the CLI would download.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import type { DatabaseProvider } from './types.js';

/** apps/signaling/prisma/migrations — the same relative path from src/db and dist/db. */
export const DEFAULT_MIGRATIONS_ROOT = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

// The TypeScript libs in use (ES2023 + @types/node) do not declare WebAssembly: just what we call.
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<WasmInstance>;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };

interface SchemaEngineModule {
  SchemaEngine: typeof SchemaEngine;
  __wbg_set_wasm(exports: WasmInstance['exports']): void;
}

declare global {
  // The wasm glue reports Rust panics through this global (as the Prisma CLI sets it up).
  var PRISMA_WASM_PANIC_REGISTRY: { message: string; set_message(message: string): void } | undefined;
}

/**
 * One instance per process, shared with scripts/lib/prisma-shared.mjs through a global: the JS
 * glue module is a singleton, and instantiating the wasm a second time would re-point the glue
 * at the new instance under engines created from the first.
 */
const ENGINE_KEY = Symbol.for('roomcast.prisma.schemaEngineWasm');
type EngineHolder = { [ENGINE_KEY]?: Promise<SchemaEngineModule> };

/**
 * Node 22 cannot `import` a .wasm file without a flag, which is what the package's entry point
 * does; so instantiate the .wasm ourselves against its JS glue (schema_engine_bg.js), as
 * scripts/lib/prisma-shared.mjs does for the migration-authoring script.
 */
function loadSchemaEngine(): Promise<SchemaEngineModule> {
  const holder = globalThis as EngineHolder;
  const loading = (holder[ENGINE_KEY] ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      message: '',
      set_message(message: string) {
        this.message = `RuntimeError: ${message}`;
      },
    };
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import(pathToFileURL(gluePath).href)) as SchemaEngineModule;
    const wasm = await WebAssembly.compile(await readFile(join(gluePath, '..', 'schema_engine_bg.wasm')));
    const instance = await WebAssembly.instantiate(wasm, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })());
  loading.catch(() => {
    if (holder[ENGINE_KEY] === loading) delete holder[ENGINE_KEY];
  });
  return loading;
}

/** Reads prisma/migrations/<provider>/ the way the Prisma CLI does (folders sorted by name). */
export async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const lockfile = await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`no migrations directory at ${migrationsDir}`);
    throw err;
  });
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    folders.map(async (folder) => ({
      path: folder,
      migrationFile: {
        path: 'migration.sql',
        content: await readFile(join(migrationsDir, folder, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (err: Error) => ({ tag: 'error' as const, value: err.message }),
        ),
      },
    })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/**
 * Applies the pending migrations of `migrationsDir` through `factory` and returns their names
 * (empty when the database was up to date). Every connection the engine opens through the factory
 * is disposed afterwards, so a file or pool is not held open by the engine.
 */
export async function applyMigrations(
  provider: DatabaseProvider,
  factory: SqlMigrationAwareDriverAdapterFactory,
  migrationsDir: string,
): Promise<string[]> {
  const migrationsList = await readMigrations(migrationsDir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`no migrations in ${migrationsDir}`);
  }
  const expectedLock = `provider = "${provider}"`;
  if (!migrationsList.lockfile.content?.includes(expectedLock)) {
    throw new Error(`${join(migrationsDir, 'migration_lock.toml')} is missing or not for ${provider}`);
  }
  const { SchemaEngine } = await loadSchemaEngine();
  const opened: SqlDriverAdapter[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: undefined },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return appliedMigrationNames;
  } catch (err) {
    const detail = logs.length ? `\nschema engine log:\n${logs.slice(-20).join('\n')}` : '';
    throw new Error(`applying migrations from ${migrationsDir} failed: ${err instanceof Error ? err.message : String(err)}${detail}`, {
      cause: err,
    });
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}
