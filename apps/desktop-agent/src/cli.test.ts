import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';
import { copies, FIXTURE, makeTrack } from './testing/fixture.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
let configFile: string;

/** Runs the CLI in-process with its own config file; resolves with the exit code and both outputs. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const code = await run(argv, { out, err, env: { ROOMCAST_AGENT_CONFIG: configFile } });
  return { code, out: Buffer.concat(chunks.out).toString(), err: Buffer.concat(chunks.err).toString() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'roomcast-cli-'));
  configFile = path.join(dir, 'conf', 'config.json');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('roomcast-agent', () => {
  it('--help names every subcommand (the real bin entry, through node)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=roomcast-source', '--import', 'tsx', path.join(here, 'main.ts'), '--help'], { cwd: here });
    for (const sub of ['pair', 'share', 'unshare', 'status', 'unpair', 'start', 'scan']) expect(stdout).toMatch(new RegExp(`^\\s+${sub}\\b`, 'm'));
  });

  it('says clearly what is wrong: a missing folder, a bad server URL, a bad code, a bad rate, not paired', async () => {
    expect(await cli('share', path.join(dir, 'nope'))).toMatchObject({ code: 1, err: expect.stringContaining('no such folder') });
    expect(await cli('pair', 'ftp://example.org', '--code', 'ABCD-EFGH')).toMatchObject({ code: 2, err: expect.stringContaining('http:// or https://') });
    expect(await cli('pair', 'not a url', '--token', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('server:') });
    expect(await cli('pair', 'http://127.0.0.1:9', '--code', 'O0O0')).toMatchObject({ code: 2, err: expect.stringContaining('8 letters') });
    expect(await cli('pair', 'http://127.0.0.1:9', '--code', 'ABCD-EFGH')).toMatchObject({ code: 1, err: expect.stringContaining('cannot reach http://127.0.0.1:9') });
    expect(await cli('pair', 'http://127.0.0.1:9')).toMatchObject({ code: 2, err: expect.stringContaining('--code') });
    expect(await cli('start')).toMatchObject({ code: 1, err: expect.stringContaining('not paired') });
    expect(await cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command') });
  });

  it('keeps its configuration: pair with a token, share, status, unshare, unpair', async () => {
    const token = 'A'.repeat(43);
    expect((await cli('pair', 'https://roomcast.example.org/', '--token', token, '--name', 'Den')).code).toBe(0);
    const music = path.join(dir, 'music');
    await mkdir(music);
    expect((await cli('share', music)).code).toBe(0);
    expect((await cli('share', music)).out).toContain('sharing 1 folder');
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toMatchObject({ server: 'https://roomcast.example.org', name: 'Den', token, folders: [music] });
    const status = await cli('status');
    expect(status.out).toContain('paired: yes, as "Den" with https://roomcast.example.org');
    expect(status.out).toContain(music);
    expect(status.out).toContain('indexed tracks: 0');
    expect(await cli('start', '--max-upload', 'lots')).toMatchObject({ code: 2, err: expect.stringContaining('--max-upload') });
    expect(await cli('unshare', path.join(dir, 'other'))).toMatchObject({ code: 1, err: expect.stringContaining('not shared') });
    expect((await cli('unshare', music)).out).toContain('sharing 0 folders');
    expect((await cli('unpair')).code).toBe(0);
    expect((await cli('status')).out).toContain('paired: no');
  });

  it('scans 1,000 files with a progress bar; a restart reads none of them again', async () => {
    const music = path.join(dir, 'big');
    const one = path.join(dir, 'one.mp3');
    await makeTrack(one, { ...FIXTURE[0]!, cover: null }, 1);
    await copies(one, music, 1000);
    expect((await cli('share', music)).code).toBe(0);
    const started = performance.now();
    const first = await cli('scan');
    const firstMs = performance.now() - started;
    expect(first.code).toBe(0);
    expect(first.out).toContain('1000 tracks indexed, 1000 new, 0 changed, 0 removed, 0 unchanged');
    expect(first.err).toMatch(/scanning \[.*\] 1000\/1000 files/);
    const again = performance.now();
    const second = await cli('scan');
    const secondMs = performance.now() - again;
    expect(second.out).toContain('1000 tracks indexed, 0 new, 0 changed, 0 removed, 1000 unchanged');
    expect(second.err).not.toContain('scanning');
    expect((await cli('status')).out).toContain('indexed tracks: 1000');
    console.log(`scan of 1000 files: first ${firstMs.toFixed(0)} ms, unchanged rescan ${secondMs.toFixed(0)} ms`);
  });
});
