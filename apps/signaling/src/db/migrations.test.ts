// Guards the committed migrations: they exist for both providers, nothing in prisma/schema.prisma
// is missing from them, and (on SQLite, whose live schema the wasm engine can introspect) applying
// them yields exactly the current schema.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diffDatamodels,
  listMigrations,
  loadSchemaEngine,
  migrationsDir,
  PROVIDERS,
  renderAll,
  renderSchema,
  SOURCE_SCHEMA,
  type Provider,
} from '../../scripts/lib/prisma-shared.mjs';
import { applyMigrations, readMigrations } from './schema-engine.js';

let rendered: Record<Provider, string>;
beforeAll(async () => {
  rendered = await renderAll();
});

describe('schema rendering', () => {
  it('renders one variant per provider from the one source', async () => {
    const source = await readFile(SOURCE_SCHEMA, 'utf8');
    expect(rendered.sqlite).toMatch(/provider = "sqlite"/);
    expect(rendered.postgresql).toMatch(/provider = "postgresql"/);
    expect(rendered.postgresql).not.toMatch(/provider = "sqlite"/);
    expect(rendered.sqlite).toMatch(/output\s+= "..\/..\/..\/src\/generated\/sqlite"/);
    expect(rendered.postgresql).toMatch(/output\s+= "..\/..\/..\/src\/generated\/postgresql"/);
    // Everything else is the source, verbatim.
    const models = (text: string) => text.slice(text.indexOf('model User'));
    expect(models(rendered.sqlite)).toBe(models(source));
    expect(models(rendered.postgresql)).toBe(models(source));
    expect(() => renderSchema(source.replace(/provider = "sqlite".*/, ''), 'postgresql')).toThrow(/exactly one/);
  });
});

describe.each(PROVIDERS)('committed %s migrations', (provider) => {
  it('exist, with a lock file for the provider and sensible SQL', async () => {
    const list = await readMigrations(migrationsDir(provider));
    expect(list.lockfile.content).toContain(`provider = "${provider}"`);
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    for (const dir of list.migrationDirectories) expect(dir.path).toMatch(/^\d{14}_[a-z0-9_]+$/);
    const first = list.migrationDirectories[0]!.migrationFile.content;
    expect(first.tag).toBe('ok');
    const sql = first.value;
    for (const table of ['users', 'sessions', 'rooms']) expect(sql).toContain(`CREATE TABLE "${table}"`);
    expect(sql).toContain('CREATE UNIQUE INDEX "users_email_key"');
    expect(sql).toContain('CREATE UNIQUE INDEX "sessions_token_hash_key"');
    expect(sql).toContain('CREATE INDEX "sessions_user_id_idx"');
    expect(sql).toMatch(/FOREIGN KEY \("user_id"\) REFERENCES "users" ?\("id"\) ON DELETE CASCADE/);
    expect(sql).toMatch(provider === 'postgresql' ? /TIMESTAMP\(3\)/ : /DATETIME/);
  });

  it('cover every change in prisma/schema.prisma (else run scripts/prisma-migrate-diff.mjs <name>)', async () => {
    const last = (await listMigrations(provider)).at(-1)!;
    const snapshot = await readFile(join(last.dir, 'schema.prisma'), 'utf8');
    expect(await diffDatamodels(provider, snapshot, rendered[provider])).toBe('');
    // The check is not vacuous: from an empty database there is plenty to do.
    expect(await diffDatamodels(provider, null, rendered[provider])).toContain('CREATE TABLE "users"');
  });
});

describe('applied SQLite migrations', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-drift-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function liveDiff(file: string): Promise<string> {
    const { SchemaEngine } = await loadSchemaEngine();
    const files = [{ path: 'schema.prisma', content: rendered.sqlite }];
    const factory = new PrismaBetterSqlite3({ url: file });
    const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', rendered.sqlite]] }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
    try {
      const result = await engine.diff({
        from: { tag: 'schemaDatasource', files, configDir: dir },
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      return (result.stdout ?? '').replace(/^-- This is an empty migration\.\s*$/, '').trim();
    } finally {
      engine.free();
    }
  }

  it('produce exactly the current schema', async () => {
    const file = join(dir, 'drift.db');
    const applied = await applyMigrations('sqlite', new PrismaBetterSqlite3({ url: file }), migrationsDir('sqlite'));
    expect(applied.length).toBeGreaterThan(0);
    expect(await liveDiff(file)).toBe('');
    // And the comparison does see a difference when there is one.
    const conn = new BetterSqlite3(file);
    conn.exec('DROP INDEX "sessions_expires_at_idx"');
    conn.close();
    expect(await liveDiff(file)).toContain('CREATE INDEX "sessions_expires_at_idx"');
  });
});
