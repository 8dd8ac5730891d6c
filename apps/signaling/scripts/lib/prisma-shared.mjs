// Shared helpers of the offline Prisma scripts (prisma-generate.mjs, prisma-migrate-diff.mjs).
// Plain Node ESM, no TypeScript, so the scripts run before anything is compiled.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/signaling */
export const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const SOURCE_SCHEMA = join(APP_DIR, 'prisma', 'schema.prisma');
/** The providers we render the one source schema for. */
export const PROVIDERS = /** @type {const} */ (['sqlite', 'postgresql']);

export const renderedSchemaPath = (provider) => join(APP_DIR, 'prisma', 'generated', provider, 'schema.prisma');
export const clientDir = (provider) => join(APP_DIR, 'src', 'generated', provider);
export const migrationsDir = (provider) => join(APP_DIR, 'prisma', 'migrations', provider);

export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * Renders prisma/schema.prisma for one provider: swaps the datasource `provider` and points the
 * generator `output` at src/generated/<provider> (relative to the rendered file, as Prisma wants).
 * Throws when the source no longer has exactly one of each line, so a refactor of the source
 * cannot silently produce two identical variants.
 */
export function renderSchema(source, provider) {
  if (!PROVIDERS.includes(provider)) throw new Error(`unknown provider ${provider}`);
  const out = relative(dirname(renderedSchemaPath(provider)), clientDir(provider)).split('\\').join('/');
  let providers = 0;
  let outputs = 0;
  const body = source
    // The datasource provider (the generator's `provider = "prisma-client"` is left alone).
    .replace(/^(\s*provider\s*=\s*)"(sqlite|postgresql)"(.*)$/gm, (_m, pre, _p, rest) => {
      providers++;
      return `${pre}"${provider}"${rest.replace(/\/\/.*$/, '')}`.trimEnd();
    })
    .replace(/^(\s*output\s*=\s*)"[^"]*"(.*)$/gm, (_m, pre) => {
      outputs++;
      return `${pre}"${out}"`;
    });
  if (providers !== 1 || outputs !== 1) {
    throw new Error(`prisma/schema.prisma must contain exactly one datasource provider ("sqlite"|"postgresql") and one generator output line (found ${providers} and ${outputs})`);
  }
  return (
    `// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs for ${provider}. Do not edit.\n` + body
  );
}

export async function renderAll() {
  const source = await readFile(SOURCE_SCHEMA, 'utf8');
  const rendered = {};
  for (const provider of PROVIDERS) {
    const text = renderSchema(source, provider);
    await writeIfChanged(renderedSchemaPath(provider), text);
    rendered[provider] = text;
  }
  return rendered;
}

export async function writeIfChanged(path, text) {
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old === text) return false;
  await mkdir(dirname(path), { recursive: true });
  // Atomic (write + rename): test files render in parallel while `prisma generate` reads.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
  return true;
}

/**
 * Loads @prisma/schema-engine-wasm without the experimental ESM-wasm loader (Node 22 cannot
 * `import x from './file.wasm'`): instantiate the .wasm ourselves against its JS glue.
 * Kept in step with src/db/schema-engine.ts, which does the same at run time.
 */
// One instance per process, shared with src/db/schema-engine.ts through a global: the JS glue
// module is a singleton, and instantiating the wasm twice would re-point it at the second
// instance under engines created from the first.
const ENGINE_KEY = Symbol.for('roomcast.prisma.schemaEngineWasm');
export function loadSchemaEngine() {
  globalThis[ENGINE_KEY] ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= { message: '', set_message(m) { this.message = `RuntimeError: ${m}`; } };
    const glueUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import(glueUrl);
    const wasmModule = await WebAssembly.compile(await readFile(new URL('schema_engine_bg.wasm', glueUrl)));
    const instance = await WebAssembly.instantiate(wasmModule, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return glue;
  })();
  return globalThis[ENGINE_KEY];
}

/**
 * A driver adapter factory that never touches a database: diffing two datamodels needs an
 * adapter of the right provider (the PostgreSQL engine refuses to start without one), but no
 * connection. Any query is a bug and fails loudly.
 */
export function offlineAdapterFactory(provider) {
  const adapterProvider = provider === 'postgresql' ? 'postgres' : provider;
  const fail = (what) => async () => {
    throw new Error(`offline schema engine tried to ${what}; only datamodel diffs are supported offline`);
  };
  const adapter = () => ({
    provider: adapterProvider,
    adapterName: 'roomcast-offline',
    // The PostgreSQL engine probes the server once at start: answer as a PostgreSQL 15 whose
    // `public` schema exists (what a real server answers; the generated SQL is identical).
    queryRaw: async (query) => {
      if (adapterProvider === 'postgres' && query.sql.includes('FROM pg_namespace') && query.sql.includes('version()')) {
        return {
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [5 /* Boolean */, 7 /* Text */, 0 /* Int32 */],
          rows: [[true, 'PostgreSQL 15.0 (roomcast offline diff)', 150000]],
        };
      }
      return fail(`query ${JSON.stringify(query.sql.slice(0, 80))}`)();
    },
    executeRaw: fail('execute'),
    executeScript: fail('run a script'),
    startTransaction: fail('start a transaction'),
    dispose: async () => {},
  });
  return {
    provider: adapterProvider,
    adapterName: 'roomcast-offline',
    connect: async () => adapter(),
    connectToShadowDb: async () => adapter(),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/** SQL that takes a database with schema `from` (null = empty) to schema `to`; '' when none. */
export async function diffDatamodels(provider, from, to) {
  const { SchemaEngine } = await loadSchemaEngine();
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', to]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(offlineAdapterFactory(provider)),
  );
  try {
    const target = (text) =>
      text === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: text }] };
    const result = await engine.diff({ from: target(from), to: target(to), script: true, exitCode: null, filters: NO_FILTER });
    const sql = result.stdout ?? '';
    // An empty diff is rendered as a lone comment.
    return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? '' : sql;
  } finally {
    engine.free();
  }
}

/** Migration folders of one provider, oldest first: [{ name, dir }]. */
export async function listMigrations(provider) {
  const dir = migrationsDir(provider);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, dir: join(dir, e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
