#!/usr/bin/env node
// Renders prisma/schema.prisma into one schema per provider and generates one Prisma client per
// provider into src/generated/<provider> — fully offline, in a few seconds, idempotent.
//
//   node scripts/prisma-generate.mjs [--force]
//
// Offline tricks (see prisma/README.md):
// - every Prisma CLI command first downloads the native schema engine; `generate` never uses
//   it, so PRISMA_SCHEMA_ENGINE_BINARY points at any existing executable to skip the download;
// - there is no prisma.config.ts on purpose: the CLI reads it even for `generate` and
//   `env('DATABASE_URL')` throws when unset. Clients get their connection from a driver adapter.
// A stamp file per client (hash of the rendered schema + prisma/@prisma/client versions) skips
// `prisma generate` when nothing changed; --force regenerates anyway.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { APP_DIR, PROVIDERS, clientDir, renderAll, renderedSchemaPath, sha256 } from './lib/prisma-shared.mjs';

const force = process.argv.includes('--force');
const require = createRequire(join(APP_DIR, 'package.json'));
const prismaPkgPath = require.resolve('prisma/package.json');
const prismaCli = join(prismaPkgPath, '..', 'build', 'index.js');
const versions = [
  `prisma@${JSON.parse(readFileSync(prismaPkgPath, 'utf8')).version}`,
  `@prisma/client@${require('@prisma/client/package.json').version}`,
].join(' ');

function fakeEngineBinary() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) return process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  for (const candidate of ['/bin/true', '/usr/bin/true']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return process.execPath; // any existing executable will do; it is never run by `generate`
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: APP_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: fakeEngineBinary(),
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`prisma ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

async function generate(provider, rendered) {
  const stampFile = join(clientDir(provider), '.roomcast-stamp');
  const stamp = sha256(`${versions}\n${rendered}`);
  const current = await readFile(stampFile, 'utf8').catch(() => '');
  const hasClient = await readFile(join(clientDir(provider), 'client.ts'), 'utf8').then(() => true, () => false);
  if (!force && hasClient && current.trim() === stamp) {
    return `${provider}: up to date`;
  }
  const started = Date.now();
  await run(['generate', '--schema', relative(APP_DIR, renderedSchemaPath(provider))]);
  await writeFile(stampFile, `${stamp}\n`);
  return `${provider}: generated ${relative(APP_DIR, clientDir(provider))} in ${Date.now() - started} ms`;
}

try {
  const rendered = await renderAll();
  const results = await Promise.all(PROVIDERS.map((p) => generate(p, rendered[p])));
  for (const line of results) console.log(`[prisma-generate] ${line}`);
} catch (err) {
  console.error(`[prisma-generate] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
