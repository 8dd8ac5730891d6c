/**
 * Churn soak of one mediasoup worker: does it stay up, and does its memory stay flat?
 *
 * Two ffmpeg speakers feed one room. Around them, without pause:
 * - real listeners (@roamhq/wrtc + mediasoup-client: ICE, DTLS, SRTP AES_CM_128_HMAC_SHA1_80, the
 *   suite browsers use) join, leave, close their transport and rejoin, and restart ICE;
 * - lightweight listeners (a recv transport and consumers of both speakers, never connected) join
 *   and leave by the hundred, through the same control path as a browser's;
 * - PlainTransport consumers with SRTP (what the worker encrypts for a real audience, sent to a
 *   local UDP sink) are created and closed;
 * - the speakers' producers are paused and resumed.
 * Every minute it prints the worker's RSS and CPU, consumers alive and operations done; at the end
 * the worker deaths (with the SFU's crash report, if any) and RSS growth.
 *
 *   pnpm bench:soak [minutes=20]
 *   SOAK_REAL=24 SOAK_IDLE=150 SOAK_PLAIN=60   pool sizes (consumers: 2 per listener, 1 per plain)
 *   MEDIASOUP_WORKER_BIN=…                       the worker to soak (e.g. the sanitizer build)
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { pino } from 'pino';
import { freePort } from '@roomcast/e2e/harness/ports.js';
import { LocalSfuControl, SfuConfig, SfuServer } from '@roomcast/sfu';
import { addListener, startSpeaker, type Listener } from './sfu-load.js';

const MINUTES = Number(process.argv[2] ?? 20);
const POOL = { real: Number(process.env.SOAK_REAL ?? 24), idle: Number(process.env.SOAK_IDLE ?? 150), plain: Number(process.env.SOAK_PLAIN ?? 60) };
const ROOM = 'soak';
/** Operations in flight at once: enough churn to overlap, not so much that the load generator starves. */
const CONCURRENCY = 4;

// The SFU's own log (warn and up, crash reports included) goes to stderr; figures to stdout.
const log = pino({ level: 'warn' }, pino.destination(2));
const port = await freePort();
const server = await SfuServer.create(SfuConfig.parse({ workers: 1, listenIp: '127.0.0.1', port }), log);
const control = new LocalSfuControl(server);

const ops = new Map<string, number>();
const errors = new Map<string, number>();
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const deaths: { at: number; pid: number }[] = [];
const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;

const sink = dgram.createSocket('udp4');
let sunkPackets = 0;
sink.on('message', () => sunkPackets++);
await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));

interface Scene {
  caps: never;
  speakers: Awaited<ReturnType<typeof startSpeaker>>[];
  real: Map<string, Listener>;
  idle: Set<string>;
  /** SRTP PlainTransports made on the router directly (one consumer each). */
  plain: Set<{ close(): void }>;
  paused: Set<string>;
}
let scene!: Scene;
let serial = 0;

/** The room, its speakers and empty pools; again after a worker death (the room was reset). */
async function setUp(): Promise<void> {
  const { rtpCapabilities } = await control.request('room.open', { roomId: ROOM });
  const speakers = [await startSpeaker(server, ROOM, { peerId: 'speaker-a', ssrc: 1111, hz: 440 }), await startSpeaker(server, ROOM, { peerId: 'speaker-b', ssrc: 2222, hz: 660 })];
  scene = { caps: rtpCapabilities as never, speakers, real: new Map(), idle: new Set(), plain: new Set(), paused: new Set() };
}

server.on('workerRespawned', ({ pid }) => {
  deaths.push({ at: elapsedS(), pid });
  const old = scene;
  for (const s of old.speakers) s.stop();
  for (const l of old.real.values()) l.transport.close();
  void setUp().catch((error: unknown) => count(errors, `set-up after respawn: ${(error as Error).message}`));
});
server.on('workerLost', () => {
  console.log('the worker could not be respawned: stopping');
  process.exit(1);
});

const pick = <T>(items: Iterable<T>): T | undefined => {
  const all = [...items];
  return all[Math.floor(Math.random() * all.length)];
};
/** Items another step is working on: left alone, so the soak's own races do not count as errors. */
const busy = new Set<unknown>();
const pickIdle = <T>(items: Iterable<T>, key: (item: T) => unknown = (item) => item): T | undefined =>
  pick([...items].filter((item) => !busy.has(key(item))));
async function using<T>(item: unknown, work: () => Promise<T>): Promise<T> {
  busy.add(item);
  try {
    return await work();
  } finally {
    busy.delete(item);
  }
}
const producerIds = () => scene.speakers.map((s) => s.producerId);

/** One churn step, chosen at random; pools are kept near their size so joins and leaves balance. */
async function step(): Promise<void> {
  const s = scene;
  const roll = Math.random();
  if (roll < 0.25) {
    if (s.real.size < POOL.real || Math.random() < 0.3) {
      const peerId = `real-${serial++}`;
      s.real.set(peerId, await addListener(control, ROOM, s.caps, producerIds(), peerId).catch((error: unknown) => {
        void control.request('peer.leave', { roomId: ROOM, peerId }).catch(() => undefined);
        throw error;
      }));
      count(ops, 'real join (ICE+DTLS)');
    } else {
      const l = pickIdle(s.real.values(), (x) => x.peerId);
      if (!l) return;
      s.real.delete(l.peerId);
      l.transport.close();
      await control.request('peer.leave', { roomId: ROOM, peerId: l.peerId });
      count(ops, 'real leave');
    }
  } else if (roll < 0.35) {
    const l = pickIdle(s.real.values(), (x) => x.peerId);
    if (!l) return;
    await using(l.peerId, async () => {
      const { iceParameters } = await control.request('transport.restartIce', { roomId: ROOM, peerId: l.peerId, transportId: l.transport.id });
      await l.transport.restartIce({ iceParameters: iceParameters as never });
    });
    count(ops, 'ICE restart');
  } else if (roll < 0.4) {
    const l = pickIdle(s.real.values(), (x) => x.peerId);
    if (!l) return;
    // Close the transport (its consumers go with it), then consume again on a new one.
    s.real.delete(l.peerId);
    l.transport.close();
    await control.request('transport.close', { roomId: ROOM, peerId: l.peerId, transportId: l.transport.id });
    count(ops, 'transport close');
    s.real.set(l.peerId, await addListener(control, ROOM, s.caps, producerIds(), l.peerId));
    count(ops, 'real join (ICE+DTLS)');
  } else if (roll < 0.7) {
    if (s.idle.size < POOL.idle || Math.random() < 0.3) {
      const peerId = `idle-${serial++}`;
      await control.request('transport.create', { roomId: ROOM, peerId, direction: 'recv', rtpCapabilities: s.caps });
      const { consumers } = await control.request('consumer.createMany', { roomId: ROOM, peerId, producerIds: producerIds() });
      await control.request('consumer.resumeMany', { roomId: ROOM, peerId, consumerIds: consumers.map((c) => c.consumerId) });
      s.idle.add(peerId);
      count(ops, 'light join');
    } else {
      const peerId = pick(s.idle)!;
      s.idle.delete(peerId);
      await control.request('peer.leave', { roomId: ROOM, peerId });
      count(ops, 'light leave');
    }
  } else if (roll < 0.95) {
    if (s.plain.size < POOL.plain || Math.random() < 0.3) {
      const router = server.findRoom(ROOM)!.router;
      const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80' });
      await t.connect({ ip: '127.0.0.1', port: sink.address().port, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: t.srtpParameters!.keyBase64 } });
      await t.consume({ producerId: pick(producerIds())!, rtpCapabilities: router.rtpCapabilities, paused: false });
      s.plain.add(t);
      count(ops, 'SRTP consumer create');
    } else {
      const t = pick(s.plain)!;
      s.plain.delete(t);
      t.close();
      count(ops, 'SRTP consumer close');
    }
  } else {
    const speaker = pickIdle(s.speakers, (x) => x.producerId);
    if (!speaker) return;
    const paused = s.paused.has(speaker.producerId);
    await using(speaker.producerId, () => control.request(paused ? 'producer.resume' : 'producer.pause', { roomId: ROOM, peerId: speaker.peerId, producerId: speaker.producerId }));
    if (paused) s.paused.delete(speaker.producerId);
    else s.paused.add(speaker.producerId);
    count(ops, paused ? 'producer resume' : 'producer pause');
  }
}

function workerRssMb(): number {
  const pid = server.workerPids[0];
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

await setUp();
console.log(`soak: ${MINUTES} min of churn on one mediasoup worker (${process.env.MEDIASOUP_WORKER_BIN ?? 'default worker'}), ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`pools: ${POOL.real} real WebRTC listeners, ${POOL.idle} light listeners, ${POOL.plain} SRTP PlainTransport consumers; 2 speakers`);
console.log(' min | worker pid | RSS MB | worker core % | consumers | real | light | SRTP | sink pkt/s | ops total | op errors | deaths');

const rss: number[] = [];
let lastCpu = 0;
let lastSunk = 0;
let lastReport = performance.now();
const report = async () => {
  const stats = await server.stats();
  const cpu = stats.workers.reduce((sum, w) => sum + w.cpuMs, 0);
  const now = performance.now();
  const seconds = (now - lastReport) / 1000;
  const row = {
    rss: workerRssMb(),
    core: Math.max(0, cpu - lastCpu) / (seconds * 10),
    consumers: stats.workers.reduce((sum, w) => sum + w.consumers, 0) + scene.plain.size,
    sinkRate: (sunkPackets - lastSunk) / seconds,
  };
  rss.push(row.rss);
  lastCpu = cpu;
  lastSunk = sunkPackets;
  lastReport = now;
  const total = [...ops.values()].reduce((a, b) => a + b, 0);
  const failed = [...errors.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${(elapsedS() / 60).toFixed(1).padStart(4)} | ${String(server.workerPids[0]).padStart(10)} | ${row.rss.toFixed(1).padStart(6)} | ${row.core.toFixed(1).padStart(13)} | ${String(row.consumers).padStart(9)} | ${String(scene.real.size).padStart(4)} | ${String(scene.idle.size).padStart(5)} | ${String(scene.plain.size).padStart(4)} | ${row.sinkRate.toFixed(0).padStart(10)} | ${String(total).padStart(9)} | ${String(failed).padStart(9)} | ${deaths.length}`,
  );
};
// A report still waiting for the worker's figures is not overlapped by the next one.
let reporting: Promise<void> | undefined;
const timer = setInterval(() => {
  reporting ??= report().finally(() => (reporting = undefined));
}, 60_000);

const deadline = started + MINUTES * 60_000;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      // A step with nothing to do resolves at once; without this turn of the event loop, the
      // loops would spin on microtasks while the I/O the others wait for never runs.
      await new Promise((resolve) => setImmediate(resolve));
      await step().catch((error: unknown) => count(errors, (error as Error).message.replace(/[0-9a-f-]{36}|\d+/g, '#').slice(0, 120)));
    }
  }),
);
clearInterval(timer);
await reporting;
await report();

console.log('\noperations:');
for (const [name, n] of [...ops].sort()) console.log(`  ${name.padEnd(24)} ${n}`);
console.log(`op errors: ${[...errors.values()].reduce((a, b) => a + b, 0)}`);
for (const [message, n] of [...errors].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${String(n).padStart(6)} × ${message}`);
const settled = rss.slice(Math.min(2, rss.length - 1));
console.log(
  `worker deaths: ${deaths.length}${deaths.map((d) => ` (at ${(d.at / 60).toFixed(1)} min, respawned as ${d.pid})`).join('')}; ` +
    `RSS ${rss[0]?.toFixed(1)} MB at minute 1, ${settled[0]?.toFixed(1)} → ${settled.at(-1)?.toFixed(1)} MB from minute ${Math.min(3, rss.length)} to the end, max ${Math.max(...rss).toFixed(1)} MB`,
);

for (const s of scene.speakers) s.stop();
for (const l of scene.real.values()) l.transport.close();
server.close();
sink.close();
process.exit(deaths.length === 0 ? 0 : 1);
