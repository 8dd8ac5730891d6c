import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp } from '@roomcast/signaling/testing';
import { AgentCredentials, LIMITS } from '@roomcast/shared';
import { startAgent, type RunningAgent } from './agent.js';
import { IndexDb } from './index-db.js';
import { scan } from './scanner.js';
import { makeLibrary, makeTrack } from './testing/fixture.js';
import { connectListener, type NodeListener } from './testing/node-listener.js';
import { LibraryWatcher } from './watcher.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
let lib: Awaited<ReturnType<typeof makeLibrary>>;
let work: string;
let index: IndexDb;
let owner: Client;
let creds: AgentCredentials;
const agents: RunningAgent[] = [];
const listeners: NodeListener[] = [];
const LONG = 'Long/Long Tone.wav';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function account(name: string): Promise<Client> {
  const c = new Client(app.url);
  expect((await c.call('POST', '/api/auth/signup', { email: `${name}@example.org`, password: 'long enough password', displayName: name })).status).toBe(201);
  return c;
}

function agent(maxUploadBytes?: number): RunningAgent {
  // Loopback only: tests never send to the machine's other interfaces.
  const a = startAgent({ server: app.url, token: creds.token, index, maxUploadBytes, bindAddress: '127.0.0.1', log: (l) => process.env.AGENT_LOG && console.error('[agent]', l) });
  agents.push(a);
  return a;
}

async function listen(c: Client, relay = false): Promise<NodeListener> {
  const l = await connectListener(app.url, c.cookie, creds.agentId, { relay, bindAddress: '127.0.0.1' });
  listeners.push(l);
  return l;
}

/** Reads a whole track with as many range reads as it takes, as a player would. */
async function readWhole(l: NodeListener, trackId: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = Infinity;
  for (let at = 0; at < size; ) {
    const { header, bytes } = await l.client.read(trackId, at);
    size = header.size;
    parts.push(bytes);
    at += bytes.byteLength;
  }
  return Buffer.concat(parts);
}

const trackByTitle = async (l: NodeListener, q: string) => (await l.client.request('search', { q })).tracks[0]!;

beforeAll(async () => {
  [app, lib] = await Promise.all([startTestApp(), makeLibrary(2)]);
  // 60 s of 44.1 kHz mono: about 5.3 MB, more than one read's worth.
  await makeTrack(path.join(lib.dir, LONG), { ...lib.tracks[6]!, title: 'Long Tone', album: 'Long', albumArtist: 'Long', artist: 'Long', cover: null }, 60);
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-agent-'));
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  await scan(index, [lib.dir]);
  owner = await account('owner');
  creds = AgentCredentials.parse((await owner.call('POST', '/api/library/agents', { name: 'Test PC' })).json);
});
afterAll(async () => {
  for (const l of listeners) l.close();
  for (const a of agents) a.close();
  index?.close();
  await app?.cleanup();
  await lib?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('agent ↔ listener', () => {
  it('direct data channel: browses, searches, gets a cover and reads a whole file byte for byte', async () => {
    const a = agent();
    await a.connected;
    const l = await listen(owner);
    expect(l.rung()).toBe('direct');
    expect((await l.client.request('artists', {})).artists.map((x) => x.name)).toEqual(['Ada Tones', 'Bob Hertz', 'Long', 'Various']);
    const albums = await l.client.request('albums', { artist: 'Ada Tones' });
    expect(albums.albums[0]).toMatchObject({ title: 'Sine Works', tracks: 2 });
    const first = await trackByTitle(l, 'First');
    expect((await l.client.cover(first.id)).mime).toBe('image/png');
    const long = await trackByTitle(l, 'Long Tone');
    expect(long.size).toBeGreaterThan(LIMITS.library.readBytes);
    const bytes = await readWhole(l, long.id);
    expect(sha(bytes)).toBe(sha(await readFile(path.join(lib.dir, LONG))));
    // A range in the middle, as a seek asks for it.
    const mid = await l.client.read(long.id, 1_000_001, 1_100_000);
    expect(mid.header).toMatchObject({ start: 1_000_001, length: 99_999, mime: 'audio/wav' });
    expect(sha(mid.bytes)).toBe(sha(bytes.subarray(1_000_001, 1_100_000)));
    expect(a.sessions()[0]!.rung()).toBe('direct');
  });

  it('server relay: the same protocol through signaling, whole file identical', async () => {
    const l = await listen(owner, true);
    const long = await trackByTitle(l, 'Long Tone');
    const bytes = await readWhole(l, long.id);
    expect(sha(bytes)).toBe(sha(await readFile(path.join(lib.dir, LONG))));
    expect(agents[0]!.sessions().find((s) => s.id === l.sessionId)!.rung()).toBe('server');
  });

  it('refuses unindexed tracks, paths in place of ids, and folders outside the shared ones', async () => {
    const l = await listen(owner);
    await expect(l.client.read('notInTheIndex', 0)).rejects.toMatchObject({ code: 'not_found' });
    await expect(l.client.read('../../etc/passwd', 0)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(l.client.read('/etc/passwd', 0)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(l.client.request('folder', { root: 0, path: '../..' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(l.client.request('folder', { root: 0, path: '/etc' })).rejects.toMatchObject({ code: 'forbidden' });
    const root = await l.client.request('folder', { root: 0, path: '' });
    expect(root.folders).toEqual(['Ada Tones', 'Bob Hertz', 'Long', 'Various']);
  });

  it('someone else is refused before any data flows; a revoke mid-stream ends that stream', async () => {
    const stranger = await account('stranger');
    await expect(connectListener(app.url, stranger.cookie, creds.agentId)).rejects.toMatchObject({ code: 'not_found' });
    for (const l of listeners.splice(0)) l.close();
    for (const a of agents.splice(0)) a.close();
    // A slow cap keeps the friend's read going long enough to revoke it halfway.
    const a = agent(64 * 1024);
    await a.connected;
    const friend = await account('friend');
    expect((await owner.call('POST', `/api/library/agents/${creds.agentId}/grants`, { email: 'friend@example.org' })).status).toBe(201);
    const l = await listen(friend);
    const long = await trackByTitle(l, 'Long Tone');
    let received = 0;
    // Settled into a value at once: the revoke may reject it before the test asks how it ended.
    const reading = l.client.read(long.id, 0, 1_000_000, (chunk) => (received += chunk.byteLength)).then(() => 'completed', (error: unknown) => error);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => received > 0 && (clearInterval(poll), resolve()), 20);
    });
    const friendId = (await owner.call('GET', `/api/library/agents/${creds.agentId}/grants`)).json.grants[0].userId;
    expect((await owner.call('DELETE', `/api/library/agents/${creds.agentId}/grants/${friendId}`)).status).toBe(204);
    expect(await l.closed).toMatch(/stopped sharing/);
    l.client.detach('revoked');
    expect(await reading).toMatchObject({ code: 'unavailable' });
    await expect.poll(() => a.sessions().length).toBe(0);
    expect(received).toBeLessThan(1_000_000);
  });

  it('two listeners with --max-upload: both complete, together within the cap, evenly', async () => {
    for (const l of listeners.splice(0)) l.close();
    for (const a of agents.splice(0)) a.close();
    const cap = 400_000;
    const a = agent(cap);
    await a.connected;
    const [one, two] = [await listen(owner), await listen(owner, true)];
    const long = await trackByTitle(one, 'Long Tone');
    const started = performance.now();
    const finished: number[] = [];
    const read = async (l: NodeListener) => {
      const r = await l.client.read(long.id, 0, 600_000);
      finished.push(performance.now() - started);
      return r.bytes.byteLength;
    };
    const sizes = await Promise.all([read(one), read(two)]);
    const elapsedS = (performance.now() - started) / 1000;
    expect(sizes).toEqual([600_000, 600_000]);
    const rate = 1_200_000 / elapsedS;
    console.log(`two listeners (direct + server relay) under a ${cap} B/s cap: ${Math.round(rate)} B/s together, finished at ${finished.map((f) => Math.round(f)).join(' and ')} ms`);
    // Within the cap (plus one burst and a chunk in flight), and neither starved.
    expect(rate).toBeLessThan(cap * 1.1);
    expect(Math.abs(finished[0]! - finished[1]!)).toBeLessThan(1000);
  });

  it('a file copied into a shared folder while the agent runs: listeners are told, and browse and read it', async () => {
    for (const l of listeners.splice(0)) l.close();
    for (const a of agents.splice(0)) a.close();
    const a = agent();
    const watcher = await LibraryWatcher.start(index, { settleMs: 200, onChange: (change) => a.notify({ event: 'changed', ...change }) });
    try {
      await a.connected;
      // Idle listeners, one per rung, that have asked nothing yet: both are told.
      const l = await listen(owner, true);
      const direct = await listen(owner);
      const told = new Promise((resolve) => (l.client.onNotice = resolve));
      const toldDirect = new Promise((resolve) => (direct.client.onNotice = resolve));
      await mkdir(path.join(lib.dir, 'Late'), { recursive: true });
      await copyFile(path.join(lib.dir, lib.tracks[0]!.file), path.join(lib.dir, 'Late/Late Copy.mp3'));
      expect(await told).toMatchObject({ event: 'changed', added: 1, removed: 0 });
      expect(await toldDirect).toMatchObject({ event: 'changed', added: 1, removed: 0 });
      direct.close();
      const root = await l.client.request('folder', { root: 0, path: 'Late' });
      expect(root.tracks).toHaveLength(1);
      const bytes = await readWhole(l, root.tracks[0]!.id);
      expect(sha(bytes)).toBe(sha(await readFile(path.join(lib.dir, lib.tracks[0]!.file))));
    } finally {
      await watcher.close();
    }
  });
});
