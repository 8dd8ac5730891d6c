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
 * With Chromium as the listener (CHROMIUM=0 skips it): My library reading the whole file through
 * its Service Worker over the direct rung, against a bare node-datachannel → Chromium transfer.
 *
 *   pnpm bench:library [mebibytes=32] [seeks=40]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeDataChannel from 'node-datachannel';
import { IndexDb, scan, startAgent } from '@roomcast/desktop-agent';
import { RangeStream } from '@roomcast/shared';
import { connectListener, type NodeListener } from '@roomcast/desktop-agent/testing';
import { startCoturn } from '@roomcast/e2e/harness/coturn.js';
import { createTopology, isRoot, NAMESPACE_RANGE, PUBLIC_IP } from '@roomcast/e2e/harness/netns.js';
import { openParticipant } from '@roomcast/e2e/harness/browser.js';
import { freePort } from '@roomcast/e2e/harness/ports.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';

const args = process.argv.slice(2).filter((a) => a !== '--inside');
const mib = Math.max(4, Number(args[0] ?? 32));
const seeks = Math.max(10, Number(args[1] ?? 40));
const CHUNK = 64 * 1024;
const CHROMIUM_ROUNDS = Math.max(1, Number(process.env.CHROMIUM_ROUNDS ?? 3));
// The bare transfer's signalling hook into the page (declared before the run below uses it).
/** `seeks` random seeks of an <audio> element playing `src`: ms from each seek until it plays past the new time. */
async function seekToAudio(page: import('playwright-core').Page, src: string): Promise<{ ms: number[]; stalls: string[] }> {
  return page.evaluate(
    async ({ src, seeks }) => {
      const el = document.createElement('audio');
      el.muted = true;
      el.src = src;
      document.body.append(el);
      try {
        await el.play();
        const out: number[] = [];
        const stalls: string[] = [];
        for (let i = 0; i < seeks; i++) {
          const t = Math.random() * (el.duration - 3);
          const t0 = performance.now();
          el.currentTime = t;
          // A polling loop, not a named callback: tsx's keepNames would wrap one in a __name the page lacks.
          while (el.seeking || el.currentTime <= t + 0.02) {
            if (performance.now() - t0 > 10_000) {
              // Counted, not fatal: a stall is a finding to report (10 s stands in for its time).
              stalls.push(`${t.toFixed(1)} s (readyState ${el.readyState}, networkState ${el.networkState})`);
              break;
            }
            await new Promise((r) => setTimeout(r, 2));
          }
          out.push(performance.now() - t0);
        }
        return { ms: out, stalls };
      } finally {
        el.pause();
        el.removeAttribute('src');
        el.load();
        el.remove();
      }
    },
    { src, seeks },
  );
}

const exposed = new WeakSet<import('playwright-core').Page>();
let bareSignal: (m: { sdp?: string; candidate?: string; mid?: string }) => void = () => {};
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const step = (what: string) => console.error(`[bench:library] ${what}`);

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
    const chromium = process.env.CHROMIUM === '0' ? null : await chromiumFigures(server.url, cookie, made.agentId, (await index.db.prepare('SELECT id FROM tracks').get()) as { id: string }, size, url);
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
    if (chromium) {
      console.log(`\nChromium as the listener (the player path: open-ended ranges through the Service Worker of My library over the direct data channel), median of ${CHROMIUM_ROUNDS} alternating rounds`);
      console.log(`  My library, direct → Chromium:        ${chromium.product.toFixed(1)} MB/s (rung ${chromium.rung})`);
      console.log(`  bare node-datachannel → Chromium:     ${chromium.bare.toFixed(1)} MB/s (no protocol, 64 KiB messages)`);
      console.log(`  rounds (My library / bare, MB/s):     ${chromium.rounds.map(([p, b]) => `${p!.toFixed(1)}/${b!.toFixed(1)}`).join('  ')}`);
      console.log(`  direct / bare node-datachannel → Chromium: ${(chromium.product / chromium.bare).toFixed(2)} (goal ≥ 0.80)`);
      console.log(`\nseek-to-audio in Chromium, ${seeks} random seeks each (an <audio> element: seek → its clock past the new time)`);
      console.log('path                                    p50 ms   p95 ms   p95 vs nginx');
      const nginxSeek = chromium.seekRows.at(-1)!;
      for (const r of chromium.seekRows) {
        console.log(`${r.name.padEnd(38)}${r.p50.toFixed(0).padStart(8)}${r.p95.toFixed(0).padStart(9)}${`${(r.p95 / nginxSeek.p95).toFixed(1)}×`.padStart(15)}${r.stalls.length ? `   ${r.stalls.length} stalled (no audio in 10 s): ${r.stalls.join('; ')}` : ''}`);
      }
      console.log('  goal: p95 ≤ 250 ms direct, ≤ 400 ms TURN, ≤ 500 ms server relay');
    }
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

/** Two node-datachannel peers in this process, direct: the ceiling for the direct rung. */
async function bareDataChannel(size: number): Promise<number> {
  const a = new nodeDataChannel.PeerConnection('bare-a', { iceServers: [] });
  const b = new nodeDataChannel.PeerConnection('bare-b', { iceServers: [] });
  // A candidate can come before the description it belongs to (libdatachannel's threads): each
  // side holds what it gets until it has the other's description, and never throws in a callback.
  const link = (from: typeof a, to: typeof a) => {
    let described = false;
    const held: [string, string][] = [];
    const add = (c: string, mid: string) => {
      try {
        to.addRemoteCandidate(c, mid);
      } catch {
        // The connection already closed.
      }
    };
    from.onLocalDescription((sdp, type) => {
      to.setRemoteDescription(sdp, type);
      described = true;
      for (const [c, mid] of held.splice(0)) add(c, mid);
    });
    from.onLocalCandidate((c, mid) => (described ? add(c, mid) : held.push([c, mid])));
  };
  link(a, b);
  link(b, a);
  let received = 0;
  const done = new Promise<number>((resolve) => {
    b.onDataChannel((dc) => {
      let t0 = 0;
      dc.onMessage((m) => {
        t0 ||= performance.now();
        received += typeof m === 'string' ? m.length : (m as ArrayBuffer).byteLength;
        if (received >= size) resolve(performance.now() - t0);
      });
    });
  });
  const dc = a.createDataChannel('bare');
  await new Promise<void>((resolve) => dc.onOpen(resolve));
  dc.setBufferedAmountLowThreshold(256 * 1024);
  // One handler for the channel's life (a new one replaces the old): it wakes whoever waits.
  let wake = () => {};
  dc.onBufferedAmountLow(() => wake());
  const chunk = Buffer.alloc(CHUNK, 7);
  const t0 = performance.now();
  for (let sent = 0; sent < size; sent += CHUNK) {
    // The event, or a 20 ms look: the low-water callback was seen to go missing under load.
    while (dc.bufferedAmount() > 1024 * 1024) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 20)));
    dc.sendMessageBinary(chunk.subarray(0, Math.min(CHUNK, size - sent)));
  }
  await done;
  const ms = performance.now() - t0;
  a.close();
  b.close();
  return mbps(size, ms);
}

/**
 * The goal's comparison: the agent's direct rung into Chromium as My library plays (the page's
 * Service Worker asks ranges, the bridge reads them over the data channel), against a bare
 * node-datachannel → Chromium transfer of the same size in the same browser.
 */
async function chromiumFigures(
  base: string,
  cookie: string,
  agentId: string,
  track: { id: string },
  size: number,
  nginxUrl: string,
): Promise<{ product: number; bare: number; rung: string; rounds: number[][]; seekRows: { name: string; p50: number; p95: number; stalls: string[] }[] }> {
  const person = await openParticipant({ extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${base}`] });
  try {
    const [name, value] = cookie.split('=') as [string, string];
    await person.context.addCookies([{ name, value, url: base }]);
    const page = person.page;
    // As e2e's openLibrary, without vitest: the agent online, opened, its rung named.
    const openAgent = async (query = '') => {
      await page.goto(`${base}/library${query}`);
      const row = page.locator('[data-testid="library-agents"] li', { hasText: 'Bench PC' });
      await row.getByTestId('agent-online').filter({ hasText: /^online$/ }).waitFor();
      await row.getByRole('button', { name: 'Open Bench PC' }).click();
      await page.waitForFunction(() => !!document.querySelector('[data-testid="library-rung"]')?.getAttribute('data-rung'), undefined, { timeout: 30_000 });
      return (await page.getByTestId('library-rung').getAttribute('data-rung'))!;
    };
    const rung = await openAgent();
    // As the <audio> element reads: an open-ended range, then another from where it ended.
    const product = () =>
      page.evaluate(
        async ({ agentId, trackId, size }) => {
          const url = `/library/stream/${agentId}/${trackId}`;
          const t0 = performance.now();
          for (let at = 0; at < size; ) {
            const res = await fetch(url, { headers: { range: `bytes=${at}-` } });
            const got = (await res.arrayBuffer()).byteLength;
            if (!got) throw new Error(`no bytes at ${at} (${res.status})`);
            at += got;
          }
          return performance.now() - t0;
        },
        { agentId, trackId: track.id, size },
      );
    // Alternating A/B rounds on a shared machine: the ratio of medians, not of one lucky pair.
    const productMs: number[] = [];
    const bareMs: number[] = [];
    for (let round = 0; round < CHROMIUM_ROUNDS; round++) {
      step(`chromium round ${round + 1}/${CHROMIUM_ROUNDS}: bare node-datachannel`);
      bareMs.push(await bareToChromium(page, size));
      step(`chromium round ${round + 1}/${CHROMIUM_ROUNDS}: My library, direct`);
      productMs.push(await product());
    }
    // Seek-to-audio: an <audio> element playing the file, moved to random times; from the seek
    // until its clock runs past the new time (the bytes came, were decoded and are playing).
    const seekRows: { name: string; p50: number; p95: number; stalls: string[] }[] = [];
    const stream = `/library/stream/${agentId}/${track.id}`;
    for (const [label, query] of [['direct', ''], ['TURN', '?turn=1'], ['server relay', '?relay=1']] as const) {
      step(`chromium: seek-to-audio, ${label}`);
      const shown = label === 'direct' ? rung : await openAgent(query);
      const { ms, stalls } = await seekToAudio(page, stream);
      seekRows.push({ name: `${label} (rung ${shown})`, p50: percentile(ms, 50), p95: percentile(ms, 95), stalls });
    }
    step('chromium: seek-to-audio, nginx');
    // On a blank page of its own: the app's Content-Security-Policy admits media from itself only.
    const blank = await person.context.newPage();
    const http = await seekToAudio(blank, nginxUrl);
    await blank.close();
    seekRows.push({ name: 'nginx over HTTP', p50: percentile(http.ms, 50), p95: percentile(http.ms, 95), stalls: http.stalls });
    return { product: mbps(size, percentile(productMs, 50)), bare: mbps(size, percentile(bareMs, 50)), rung, rounds: productMs.map((p, i) => [mbps(size, p), mbps(size, bareMs[i]!)]), seekRows };
  } finally {
    await person.close();
  }
}

/** node-datachannel (this process) sends `size` bytes to a data channel the page offered; resolves with the page's first-to-last-byte time. */
async function bareToChromium(page: import('playwright-core').Page, size: number): Promise<number> {
  const pc = new nodeDataChannel.PeerConnection('bare-node', { iceServers: [] });
  try {
    // The page's candidates can overtake its offer: held until the offer is set.
    let offered = false;
    const held: [string, string][] = [];
    const add = (c: string, mid: string) => {
      try {
        pc.addRemoteCandidate(c, mid);
      } catch {
        // The connection already closed.
      }
    };
    // Exposed once per page (playwright refuses a second time); each round points it at its own peer.
    if (!exposed.has(page)) {
      exposed.add(page);
      await page.exposeFunction('__bareSignal', (m: { sdp?: string; candidate?: string; mid?: string }) => bareSignal(m));
    }
    bareSignal = (m: { sdp?: string; candidate?: string; mid?: string }) => {
      if (m.sdp) {
        pc.setRemoteDescription(m.sdp, 'offer');
        offered = true;
        for (const [c, mid] of held.splice(0)) add(c, mid);
      } else if (m.candidate) {
        if (offered) add(m.candidate, m.mid ?? '0');
        else held.push([m.candidate, m.mid ?? '0']);
      }
    };
    const answered = new Promise<string>((resolve) => pc.onLocalDescription((sdp) => resolve(sdp)));
    const opened = new Promise<import('node-datachannel').DataChannel>((resolve) => pc.onDataChannel((dc) => resolve(dc)));
    await page.evaluate((size) => {
      const w = window as unknown as { __bare?: { pc: RTCPeerConnection; done: Promise<number> }; __bareSignal: (m: unknown) => Promise<void> };
      w.__bare?.pc.close();
      const rtc = new RTCPeerConnection();
      const dc = rtc.createDataChannel('bare');
      dc.binaryType = 'arraybuffer';
      let received = 0;
      let t0 = 0;
      const done = new Promise<number>((resolve) => {
        dc.onmessage = (e) => {
          t0 ||= performance.now();
          received += (e.data as ArrayBuffer).byteLength;
          if (received >= size) resolve(performance.now() - t0);
        };
      });
      rtc.onicecandidate = (e) => void (e.candidate?.candidate && w.__bareSignal({ candidate: e.candidate.candidate, mid: e.candidate.sdpMid }));
      w.__bare = { pc: rtc, done };
      return rtc.createOffer().then(async (offer) => {
        await rtc.setLocalDescription(offer);
        await w.__bareSignal({ sdp: offer.sdp });
      });
    }, size);
    const answer = await answered;
    pc.onLocalCandidate((candidate, mid) => void page.evaluate(({ candidate, mid }) => (window as unknown as { __bare: { pc: RTCPeerConnection } }).__bare.pc.addIceCandidate({ candidate: candidate.replace(/^a=/, ''), sdpMid: mid }), { candidate, mid }).catch(() => undefined));
    await page.evaluate((sdp) => (window as unknown as { __bare: { pc: RTCPeerConnection } }).__bare.pc.setRemoteDescription({ type: 'answer', sdp }), answer);
    const dc = await opened;
    if (!dc.isOpen()) await new Promise<void>((resolve) => dc.onOpen(resolve));
    dc.setBufferedAmountLowThreshold(256 * 1024);
    let wake = () => {};
    dc.onBufferedAmountLow(() => wake());
    const chunk = Buffer.alloc(CHUNK, 7);
    const timing = page.evaluate(() => (window as unknown as { __bare: { done: Promise<number> } }).__bare.done);
    for (let sent = 0; sent < size; sent += CHUNK) {
      while (dc.bufferedAmount() > 1024 * 1024) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 20)));
      dc.sendMessageBinary(chunk.subarray(0, Math.min(CHUNK, size - sent)));
    }
    return await timing;
  } finally {
    pc.close();
  }
}
