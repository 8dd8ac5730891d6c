/**
 * TURN relay costs, measured in the same run against the direct path:
 *  - relay connection setup time (TURN allocation included), p50/p95, relay-only over UDP
 *    and over TCP;
 *  - data-channel throughput through the relay vs direct, as a ratio.
 * Setup is timed from RTCPeerConnection creation (after the ICE server fetch) to `connected`.
 * Two pages of one Chromium inside a network namespace, coturn and signaling in a "public"
 * namespace (as e2e/turn-relay.test.ts). Needs root.
 *
 *   pnpm bench:turn [setups=15] [mebibytes=16]
 */
import os from 'node:os';
import type { Page } from 'playwright-core';
import { openParticipant, type Participant } from '@roomcast/e2e/harness/browser.js';
import { startCoturn, type RunningCoturn } from '@roomcast/e2e/harness/coturn.js';
import { createTopology, isRoot, listening, NAMESPACE_RANGE, PUBLIC_IP } from '@roomcast/e2e/harness/netns.js';
import { openLinkPages, signInAsGuest, signalLink, waitLinkState, type LinkOptions } from '@roomcast/e2e/harness/p2p.js';
import { startRoomcast, type RunningRoomcast } from '@roomcast/e2e/harness/roomcast.js';
import { percentile } from './stats.js';

const setups = Math.max(5, Number(process.argv[2] ?? 15));
const mib = Math.max(1, Number(process.argv[3] ?? 16));
const median = (xs: number[]) => percentile(xs, 50);

if (!isRoot()) {
  console.error('bench:turn needs root: it builds network namespaces.');
  process.exit(2);
}

type LinkOpts = LinkOptions;
type P2P = { sendBulk(n: number): Promise<void>; bytesReceived: number; firstByteAt: number; lastByteAt: number };

const net = createTopology();
let turn: RunningCoturn | undefined;
let server: RunningRoomcast | undefined;
let browser: Participant | undefined;
try {
  turn = await startCoturn({ listenIps: [PUBLIC_IP], port: 3478, allowPeers: NAMESPACE_RANGE, prefix: net.prefix(net.t), ready: () => listening(net, net.t, 3478) });
  server = await startRoomcast({ prefix: net.prefix(net.t), host: PUBLIC_IP, env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret, TURN_SELF_TEST: 'false', AUTH_RATE_LIMIT: '10000', GUESTS_PER_IP_PER_HOUR: '10000' } });
  browser = await openParticipant({ executablePath: net.chromium(net.a), extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${server.url}`] });

  /**
   * One fresh link between two pages; resolves with the pages once both are connected. Each
   * page gets a fresh context (a new guest): coturn's per-user quota (12 allocations) would
   * otherwise count the allocations closed pages leave behind until they expire.
   */
  const link = async (options: LinkOpts): Promise<{ a: Page; b: Page; connectMs: number; rung: string }> => {
    const a = await (await browser!.browser.newContext()).newPage();
    const b = await (await browser!.browser.newContext()).newPage();
    for (const page of [a, b]) {
      const status = await signInAsGuest(page, server!.url);
      if (status !== 201) throw new Error(`guest sign-in answered ${status}`);
    }
    await openLinkPages(a, b, server!.url);
    await signalLink(a, b, options);
    await Promise.all([waitLinkState(a, 'connected'), waitLinkState(b, 'connected')]);
    const { connectMs, rung } = await a.evaluate(() => {
      const [l] = (window as unknown as { roomcastStats: { links(): { connectMs: number; rung: string }[] } }).roomcastStats.links();
      return l!;
    });
    return { a, b, connectMs, rung };
  };

  const setupTimes: Record<string, number[]> = { 'relay-udp': [], 'relay-tcp': [] };
  for (const transport of ['udp', 'tcp'] as const) {
    for (let i = 0; i < setups; i++) {
      const { a, b, connectMs, rung } = await link({ relayOnly: true, turnTransport: transport });
      if (rung !== `relay-${transport}`) throw new Error(`expected relay-${transport}, got ${rung}`);
      setupTimes[rung]!.push(connectMs);
      await Promise.all([a.context().close(), b.context().close()]);
    }
  }

  const throughput = async (options: LinkOpts, expectRung: string): Promise<number> => {
    const { a, b, rung } = await link(options);
    if (rung !== expectRung) throw new Error(`expected ${expectRung}, got ${rung}`);
    const bytes = mib * 1024 * 1024;
    await a.evaluate((n) => (window as unknown as { p2p: P2P }).p2p.sendBulk(n), bytes);
    await b.waitForFunction((n) => (window as unknown as { p2p: P2P }).p2p.bytesReceived >= n, bytes, { timeout: 120_000 });
    const seconds = await b.evaluate(() => {
      const p = (window as unknown as { p2p: P2P }).p2p;
      return (p.lastByteAt - p.firstByteAt) / 1000;
    });
    await Promise.all([a.context().close(), b.context().close()]);
    return bytes / 1e6 / seconds;
  };
  const direct: number[] = [];
  const relayed: number[] = [];
  for (let i = 0; i < 3; i++) {
    direct.push(await throughput({}, 'direct'));
    relayed.push(await throughput({ relayOnly: true, turnTransport: 'udp' }, 'relay-udp'));
  }

  const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`TURN relay on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), Chromium ↔ Chromium via coturn in a namespace`);
  for (const [rung, samples] of Object.entries(setupTimes)) {
    const s = [...samples].sort((x, y) => x - y);
    console.log(`  setup ${rung}: p50 ${fmt(percentile(s, 50))}  p95 ${fmt(percentile(s, 95))}  (n=${s.length}, min ${fmt(s[0]!)}, max ${fmt(s.at(-1)!)})`);
  }
  const fmtMbs = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
  console.log(`  data channel, ${mib} MiB in 64 KiB messages (MB/s per run): direct ${fmtMbs(direct)}; relay-udp ${fmtMbs(relayed)}`);
  console.log(`  relay / direct throughput (medians): ${(median(relayed) / median(direct)).toFixed(2)}`);
} finally {
  await browser?.close();
  await server?.stop();
  await turn?.stop();
  net.teardown();
}
