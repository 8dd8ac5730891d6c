import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp } from '@roomcast/signaling/testing';
import { AgentCredentials, AgentStatus } from '@roomcast/shared';
import { run } from './cli.js';
import { RateMeter } from './status.js';
import { makeTrack, FIXTURE } from './testing/fixture.js';
import { connectListener, type NodeListener } from './testing/node-listener.js';

describe('RateMeter', () => {
  it('is the byte rate over the last window, from samples at any times', () => {
    const m = new RateMeter(3000, 1000);
    expect(m.sample(0, 0)).toBe(0);
    const burst = new RateMeter(3000, 1000);
    burst.sample(0, 0);
    // A chunk right after the first sample counts over a whole second, not 100 ms.
    expect(burst.sample(100, 65_536)).toBe(65_536);
    expect(m.sample(1000, 100_000)).toBe(100_000);
    expect(m.sample(2000, 300_000)).toBe(150_000);
    // The window slides: samples older than 3 s stop counting.
    expect(m.sample(6000, 300_000)).toBeCloseTo(0);
    expect(m.sample(7000, 400_000)).toBeCloseTo(100_000 / 5, 0);
  });
});

/** A GET with a chosen Host header (fetch cannot set one). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the status page of `roomcast-agent start`', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let dir: string;
  let music: string;
  let owner: Client;
  let creds: AgentCredentials;
  const stop = new AbortController();
  let running: Promise<number>;
  let output = '';
  let listener: NodeListener | undefined;
  let lines: ((text: string) => void)[] = [];

  /** Resolves with the first match of `pattern` in the agent's output, now or when it is printed. */
  const line = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const m = pattern.exec(output);
        if (m) resolve(m);
        return !!m;
      };
      if (!check()) lines.push(() => check());
    });

  beforeAll(async () => {
    app = await startTestApp();
    dir = await mkdtemp(path.join(tmpdir(), 'roomcast-status-'));
    music = path.join(dir, 'Music');
    // 20 s of WAV (about 1.7 MB): a read under the cap lasts long enough to be seen.
    await makeTrack(path.join(music, 'Long.wav'), { ...FIXTURE[6]!, title: 'Long' }, 20);
    owner = new Client(app.url);
    expect((await owner.call('POST', '/api/auth/signup', { email: 'owner@example.org', password: 'long enough password', displayName: 'Owner Person' })).status).toBe(201);
    creds = AgentCredentials.parse((await owner.call('POST', '/api/library/agents', { name: 'Studio PC' })).json);
    const out = new PassThrough();
    out.on('data', (c: Buffer) => {
      output += c.toString();
      lines = lines.filter((f) => !f(output));
    });
    const env = { ROOMCAST_AGENT_CONFIG: path.join(dir, 'conf/config.json') };
    const io = { out, err: new PassThrough().resume(), env };
    expect(await run(['pair', app.url, '--token', creds.token, '--name', 'Studio PC'], io)).toBe(0);
    expect(await run(['share', music], io)).toBe(0);
    running = run(['start', '--status-port', '0', '--max-upload', '400k'], { ...io, signal: stop.signal });
  });
  afterAll(async () => {
    listener?.close();
    stop.abort();
    await running;
    await app?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows folders, the index, whose agent it is, and each listener with their rung and speed', async () => {
    const [, url] = await line(/status page: (http:\/\/127\.0\.0\.1:\d+\/)/);
    await line(/^connected to /m);
    const page = await get(url!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Roomcast agent</title>');

    const status = async () => AgentStatus.parse(JSON.parse((await get(`${url}status.json`)).body));
    // The agent connects while its scan runs (the last index serves meanwhile): the page says
    // "watching" once the scan is done and the folder watcher is up.
    await expect.poll(async () => (await status()).scan.state, { timeout: 10_000, interval: 100 }).toBe('watching');
    const idle = await status();
    expect(idle).toMatchObject({
      pairing: { server: app.url, agentName: 'Studio PC', ownerName: 'Owner Person', online: true },
      folders: [music],
      scan: { state: 'watching', tracks: 1, summary: expect.stringContaining('1 tracks indexed') },
      uploadCapBytes: 400_000,
      listeners: [],
    });
    expect((await get(`${url}status.json`)).body).not.toContain(creds.token);

    listener = await connectListener(app.url, owner.cookie, creds.agentId, { relay: true });
    const track = (await listener.client.request('search', { q: 'Long' })).tracks[0]!;
    const reading = listener.client.read(track.id, 0, 1_600_000);
    // The page samples every second: the listener shows up with a speed while the read lasts.
    await expect
      .poll(async () => AgentStatus.parse(JSON.parse((await get(`${url}status.json`)).body)).listeners[0], { timeout: 10_000, interval: 250 })
      .toMatchObject({ displayName: 'Owner Person', rung: 'server', bytesPerSecond: expect.any(Number), bytesSent: expect.any(Number) });
    await expect
      .poll(async () => AgentStatus.parse(JSON.parse((await get(`${url}status.json`)).body)).listeners[0]?.bytesPerSecond ?? 0, { timeout: 10_000, interval: 250 })
      .toBeGreaterThan(50_000);
    const during = AgentStatus.parse(JSON.parse((await get(`${url}status.json`)).body));
    // Within the cap (a sampled figure: one burst of slack).
    expect(during.listeners[0]!.bytesPerSecond).toBeLessThan(400_000 * 1.3);
    await reading;
  });

  it('answers only requests addressed to 127.0.0.1 or localhost (no DNS rebinding), and only GET', async () => {
    const [, url] = await line(/status page: (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect((await get(`${url}status.json`, 'evil.example:80')).status).toBe(421);
    expect((await get(`${url}status.json`, `localhost:${new URL(url!).port}`)).status).toBe(200);
    expect((await get(`${url}nothing`)).status).toBe(404);
  });

  it('stops with the agent', async () => {
    const [, url] = await line(/status page: (http:\/\/127\.0\.0\.1:\d+\/)/);
    listener?.close();
    stop.abort();
    expect(await running).toBe(0);
    await expect(get(url!)).rejects.toThrow();
  });
});
