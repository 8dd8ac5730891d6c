/**
 * Library anywhere, measured in one run on one machine, each rung against the same file:
 *  - setup: session open → data channel open (direct, TURN) or first answer (server relay);
 *  - throughput (MB/s) reading the whole file as a player does, one 4 MiB range at a time;
 *  - range latency p50/p95: a 64 KiB read at a random offset, request to last byte — what a
 *    seek waits for before the decoder has data (not decode or output time);
 * next to nginx serving the same file over HTTP (whole file, 64 KiB ranges), and a bare
 * node-datachannel → node-datachannel transfer (no protocol, same chunk size), with ratios.
 * Listener and agent are node-datachannel in this process; signaling, coturn and nginx are
 * real processes. Everything runs inside a network namespace of its own on a non-loopback
 * address (coturn never relays to loopback), so it needs root; TURN is forced on its rung with
 * iceTransportPolicy 'relay'.
 *
 * With Chromium as the listener (CHROMIUM=0 skips it; library-chromium.ts): My library reading the
 * whole file through its Service Worker over the direct rung, against a bare node-datachannel →
 * Chromium transfer (library-bare.ts), and seek-to-audio per rung beside nginx, with the median
 * time to each stage of a seek (the worker's ask, the read sent, its first byte, seeked, playing).
 *
 *   pnpm bench:library [mebibytes=32] [seeks=40]
 *   RUNGS=direct,turn,server (Node rows)  CHROMIUM_ROUNDS=3 (0: seeks only)  SEEK_RUNGS=direct,TURN,server relay
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndexDb, scan, startAgent } from '@roomcast/desktop-agent';
import { RangeStream } from '@roomcast/shared';
import { connectListener, type NodeListener } from '@roomcast/desktop-agent/testing';
import { startCoturn } from '@roomcast/e2e/harness/coturn.js';
import { createTopology, isRoot, NAMESPACE_RANGE, PUBLIC_IP } from '@roomcast/e2e/harness/netns.js';
import { freePort } from '@roomcast/e2e/harness/ports.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';
import { bareDataChannel, CHUNK, mbps, step } from './library-bare.js';
import { percentile } from './stats.js';
import { chromiumFigures, printChromium } from './library-chromium.js';

const args = process.argv.slice(2).filter((a) => a !== '--inside');
const mib = Math.max(4, Number(args[0] ?? 32));
const seeks = Math.max(10, Number(args[1] ?? 40));
const CHROMIUM_ROUNDS = Math.max(0, Number(process.env.CHROMIUM_ROUNDS ?? 3));

if (!process.argv.includes('--inside')) {
  if (!isRoot()) {
    console.error('bench:library needs root: it runs inside a network namespace of its own.');
    process.exit(2);
  }
  if (spawnSync('nginx', ['-v']).error) {
    console.error('bench:library compares against nginx: apt-get install nginx-light');
    process.exit(2);
  }
  const net = createTopology();
  try {
    const self = fileURLToPath(import.meta.url);
    // Bounded, so the namespace is always torn down here even if the inner run wedges.
    const run = spawnSync('ip', ['netns', 'exec', net.t, process.execPath, '--conditions=roomcast-source', '--import', 'tsx', self, '--inside', ...args], { stdio: 'inherit', cwd: path.dirname(self), timeout: 420_000, killSignal: 'SIGKILL' });
    process.exitCode = run.status ?? 1;
  } finally {
    net.teardown();
  }
} else {
  // Bounded inside (a stuck path ends the run with its cleanups). libdatachannel's threads were
  // seen to hold a finished run open: leave once the report is out.
  await inside();
  process.exit(process.exitCode ?? 0);
}

async function inside(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'roomcast-bench-library-'));
  const music = path.join(work, 'music');
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(work, { recursive: true, force: true })];
  let guard: NodeJS.Timeout | undefined;
  try {
    await Promise.race([measure(work, music, cleanups), new Promise((_, reject) => (guard = setTimeout(() => reject(new Error('timed out after 360 s')), 360_000)))]);
  } finally {
    clearTimeout(guard);
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

async function measure(work: string, music: string, cleanups: (() => Promise<unknown> | unknown)[]): Promise<void> {
  if (process.env.DEBUG_LAG) {
    let last = performance.now();
    const lag = setInterval(() => {
      const now = performance.now();
      if (now - last > 600) step(`event loop blocked ${(now - last - 500).toFixed(0)} ms`);
      last = now;
    }, 500);
    lag.unref();
  }
  {
    // A stereo 16-bit WAV of about `mib` MiB (176,400 bytes a second).
    const seconds = Math.ceil((mib * 1024 * 1024) / 176_400);
    execFileSync('mkdir', ['-p', music]);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=f=440:d=${seconds}`, '-ac', '2', '-metadata', 'title=Bench', path.join(music, 'bench.wav')]);
    const file = path.join(music, 'bench.wav');
    const size = readFileSync(file).byteLength;

    const turn = await startCoturn({ listenIps: [PUBLIC_IP], port: 3478, allowPeers: NAMESPACE_RANGE });
    cleanups.push(() => turn.stop());
    const server = await startRoomcast({ host: PUBLIC_IP, env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret, TURN_SELF_TEST: 'false' } });
    cleanups.push(() => server.stop());
    const nginxPort = await freePort();
    const nginx = startNginx(work, music, nginxPort);
    cleanups.push(() => nginx.kill('SIGTERM'));

    const signup = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.org', password: 'long enough password', displayName: 'Bench' }) });
    const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    const made = (await (await fetch(`${server.url}/api/library/agents`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'Bench PC' }) })).json()) as { agentId: string; token: string };
    const index = IndexDb.open(path.join(work, 'index.sqlite'));
    cleanups.splice(1, 0, () => index.close());
    await scan(index, [music]);
    const agent = startAgent({ server: server.url, token: made.token, index, maxUploadBytes: undefined, log: () => {} });
    // Closed last (cleanups run in reverse): the real processes go first, whatever the native peers do.
    cleanups.splice(1, 0, () => agent.close());
    await agent.connected;
    step('agent connected');

    const rows: { name: string; setupMs?: number; mbs: number; p50: number; p95: number }[] = [];
    for (const rung of (process.env.RUNGS?.split(',') ?? ['direct', 'turn', 'server']) as ('direct' | 'turn' | 'server')[]) {
      step(`${rung}: connecting`);
      const started = performance.now();
      const l = await connectListener(server.url, cookie, made.agentId, { relay: rung === 'server', relayOnly: rung === 'turn' });
      const trackId = (await l.client.request('tracks', {})).tracks[0]!.id;
      const setupMs = performance.now() - started;
      let shown: string = l.rung();
      if (rung === 'turn') {
        // Through coturn if either end of the selected pair is a relayed address. In one
        // namespace every address is the same IP, so a TURN permission for the listener's relayed
        // address also admits its host address, and the pair can be host → the agent's relay:
        // one TURN hop, still all through coturn. A pair with no relay end is refused.
        const pair = l.pair() as { local: { type: string }; remote: { type: string } } | null;
        if (pair?.local.type !== 'relay' && pair?.remote.type !== 'relay') throw new Error(`the turn rung connected ${JSON.stringify(pair)}, not through TURN`);
        shown = `TURN, ${pair.local.type}→${pair.remote.type}`;
      }
      if (process.env.DEBUG_PAIR) console.error(JSON.stringify((l as unknown as { pair?: () => unknown }).pair?.()));
      step(`${rung}: connected in ${setupMs.toFixed(0)} ms (rung ${shown}); reading`);
      const t0 = performance.now();
      const got = await readAll(l, trackId, size);
      const ms = performance.now() - t0;
      if (got !== size) throw new Error(`${rung}: read ${got} of ${size} bytes`);
      const latencies = await rangeLatencies(() => randomOffset(size), (at) => l.client.read(trackId, at, at + CHUNK).then((r) => r.bytes.byteLength));
      rows.push({ name: `${rung} (rung: ${shown})`, setupMs, mbs: mbps(size, ms), p50: percentile(latencies, 50), p95: percentile(latencies, 95) });
      const closing = performance.now();
      l.close();
      step(`${rung}: closed in ${(performance.now() - closing).toFixed(0)} ms`);
    }

    step('nginx');
    const url = `http://${PUBLIC_IP}:${nginxPort}/bench.wav`;
    const h0 = performance.now();
    const whole = (await (await fetch(url)).arrayBuffer()).byteLength;
    const httpMs = performance.now() - h0;
    if (whole !== size) throw new Error(`nginx served ${whole} of ${size} bytes`);
    const httpLat = await rangeLatencies(() => randomOffset(size), async (at) => (await (await fetch(url, { headers: { range: `bytes=${at}-${at + CHUNK - 1}` } })).arrayBuffer()).byteLength);
    rows.push({ name: 'nginx over HTTP', mbs: mbps(size, httpMs), p50: percentile(httpLat, 50), p95: percentile(httpLat, 95) });

    step('bare node-datachannel');
    const bare = await bareDataChannel(size);
    const trackId = ((await index.db.prepare('SELECT id FROM tracks').get()) as { id: string }).id;
    const seekRungs = process.env.SEEK_RUNGS?.split(',') ?? null;
    const chromium = process.env.CHROMIUM === '0' ? null : await chromiumFigures({ base: server.url, cookie, agentId: made.agentId, trackId, size, nginxUrl: url, rounds: CHROMIUM_ROUNDS, seeks, seekRungs });
    console.log(`\nLibrary anywhere, ${(size / 1048576).toFixed(1)} MiB WAV, ${seeks} random 64 KiB ranges each, one machine (2 cores shared)\n`);
    console.log('path                              setup ms   MB/s    range p50 ms  range p95 ms');
    for (const r of rows) {
      console.log(`${r.name.padEnd(34)}${(r.setupMs?.toFixed(0) ?? '-').padStart(8)}${r.mbs.toFixed(1).padStart(8)}${r.p50.toFixed(1).padStart(14)}${r.p95.toFixed(1).padStart(14)}`);
    }
    console.log(`${'bare node-datachannel (no protocol)'.padEnd(34)}${'-'.padStart(8)}${bare.toFixed(1).padStart(8)}`);
    const http = rows.at(-1)!;
    console.log('\nratios');
    for (const r of rows.filter((r) => r !== http)) console.log(`  ${r.name}: ${(r.mbs / http.mbs).toFixed(2)}× nginx throughput, range p95 ${(r.p95 / http.p95).toFixed(1)}× nginx`);
    const direct = rows.find((r) => r.name.startsWith('direct'));
    if (direct) console.log(`  direct / bare node-datachannel throughput: ${(direct.mbs / bare).toFixed(2)} (node listener)`);
    if (chromium) printChromium(chromium, CHROMIUM_ROUNDS, seeks);
  }
}

function randomOffset(size: number): number {
  return Math.floor(Math.random() * (size - CHUNK));
}

/** The whole file as the player's page reads it: 4 MiB ranges, two in flight (RangeStream). */
async function readAll(l: NodeListener, trackId: string, size: number): Promise<number> {
  let got = 0;
  await new RangeStream(l.client, trackId, 0, size, { header: () => {}, chunk: (b) => void (got += b.byteLength) }).done;
  return got;
}

async function rangeLatencies(offset: () => number, read: (at: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < seeks; i++) {
    const t = performance.now();
    const n = await read(offset());
    if (n !== CHUNK) throw new Error(`a range read returned ${n} bytes`);
    out.push(performance.now() - t);
  }
  return out;
}

function startNginx(work: string, root: string, port: number) {
  const conf = path.join(work, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off; worker_processes 1; user root; pid ${work}/nginx.pid; error_log ${work}/nginx-error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; client_body_temp_path ${work}/ngx-body; proxy_temp_path ${work}/ngx-proxy; fastcgi_temp_path ${work}/ngx-fcgi; uwsgi_temp_path ${work}/ngx-uwsgi; scgi_temp_path ${work}/ngx-scgi;
  types { audio/wav wav; }
  server { listen ${PUBLIC_IP}:${port}; root ${root}; } }
`,
  );
  return spawn('nginx', ['-c', conf, '-p', work], { stdio: 'ignore' });
}
