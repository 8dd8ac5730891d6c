/**
 * SFU cost: one Opus speaker, N listeners over real WebRTC (ICE + DTLS + SRTP) from Node
 * (@roamhq/wrtc, which negotiates AES_CM_128_HMAC_SHA1_80 as Chromium does), on three systems in
 * one run:
 *   ours  — our SfuServer (one worker) through its control path;
 *   bare  — a bare mediasoup router on its own worker of the same binary (one Opus codec);
 *   janus — Debian's Janus 1.1.2, Streaming plugin, RTP mountpoint, on loopback only.
 * One ffmpeg encodes the tone once; a UDP relay here forwards the same RTP packets to the system
 * being measured and to no other, so at each N the three take turns (ours, bare, janus, ours, …)
 * with every listener connected, and each window sees the same packets at the same rate.
 * Per window: the system's process CPU (/proc, all threads) per consumer-second, packets each
 * listener received per second, loss (received against forwarded × N), and the load generator's CPU.
 *
 * `--kbps=128 --frame-ms=10` makes the speaker a live DJ broadcast (stereo Opus at the studio's
 * default bitrate and frame size): listeners per worker and CPU per listener-second of a broadcast.
 *
 *   pnpm bench:sfu-cost [--kbps=96] [--frame-ms=20] [N ...]      (default 50 100 200 400)
 *   SFU_COST_WINDOW_S=30  SFU_COST_ROUNDS=2  SFU_COST_SYSTEMS=ours,bare,janus
 *
 * A bare worker may take environment variables for an A/B of the worker itself, e.g.
 *   SFU_COST_SYSTEMS='bare[ROOMCAST_SRTP_CRYPTO=nss];bare'   (';' between systems when one has ',')
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { pino } from 'pino';
import { freePort } from '@roomcast/e2e/harness/ports.js';
import { LocalSfuControl, SfuConfig, SfuServer } from '@roomcast/sfu';
import { Janus } from './janus.js';
import { startBare } from './sfu-bare.js';
import { addListener, opusTone, plainProducer } from './sfu-load.js';

const kbps = Number(process.argv.find((a) => a.startsWith('--kbps='))?.slice('--kbps='.length) ?? 96);
// The studio sends 10 ms frames (DJ latency): twice the packets of a 20 ms voice speaker.
const frameMs = Number(process.argv.find((a) => a.startsWith('--frame-ms='))?.slice('--frame-ms='.length) ?? 20);
const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number).filter((n) => n > 0);
const WINDOW_S = Number(process.env.SFU_COST_WINDOW_S ?? 30);
const ROUNDS = Number(process.env.SFU_COST_ROUNDS ?? 2);
const SPECS = (process.env.SFU_COST_SYSTEMS ?? 'ours,bare,janus').split(/;|,(?![^[]*\])/).map((spec) => {
  const [, name, env] = /^(ours|bare|janus)(?:\[(.*)\])?$/.exec(spec.trim()) ?? [];
  if (!name) throw new Error(`SFU_COST_SYSTEMS: unknown system "${spec}" (ours, bare, bare[K=V,...], janus)`);
  if (env && name !== 'bare') throw new Error(`SFU_COST_SYSTEMS: only a bare worker takes environment variables ("${spec}")`);
  return { label: spec.trim(), name, env: Object.fromEntries((env ? env.split(',') : []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
});
const ROOM = 'bench';
const PT = 101;
const SSRC = 22222222;
const CLK_TCK = 100; // Linux USER_HZ

/** User + system CPU of a process and all its threads, in ms. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
};

interface Stats {
  getStats(): Promise<RTCStatsReport>;
}
interface System {
  name: string;
  pid: number;
  rtpPort: number;
  add: () => Promise<Stats>;
  listeners: Stats[];
  /** Per window: µs of CPU per consumer-second. */
  samples: number[];
  loss: number[];
}

const within = <T>(ms: number, work: Promise<T>, what: string) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not connected within ${ms / 1000} s`)), ms).unref())]);

const received = async (listeners: Stats[]) => {
  let total = 0;
  for (let k = 0; k < listeners.length; k += 50) {
    const reports = await Promise.all(listeners.slice(k, k + 50).map((l) => l.getStats()));
    for (const report of reports) report.forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
      if (s.type === 'inbound-rtp') total += s.packetsReceived ?? 0;
    });
  }
  return total;
};

// The speaker: ffmpeg → relay → the system under measurement (RTCP sender reports off: the
// relay forwards RTP only, the same packets to each system).
const relayIn = dgram.createSocket('udp4');
const relayOut = dgram.createSocket('udp4');
await Promise.all([new Promise<void>((r) => relayIn.bind(0, '127.0.0.1', r)), new Promise<void>((r) => relayOut.bind(0, '127.0.0.1', r))]);
let target: number | null = null;
let forwarded = 0;
relayIn.on('message', (packet) => {
  if (target === null) return;
  relayOut.send(packet, target, '127.0.0.1');
  forwarded++;
});
const ffmpeg = opusTone(`rtp://127.0.0.1:${relayIn.address().port}?pkt_size=1200`, { ssrc: SSRC, pt: PT, kbps, extra: ['-frame_duration', String(frameMs), '-rtpflags', 'skip_rtcp'] });

const port = await freePort();
const server = await SfuServer.create(SfuConfig.parse({ workers: 1, listenIp: '127.0.0.1', port }), pino({ level: 'warn' }));
const control = new LocalSfuControl(server);
const { rtpCapabilities } = await control.request('room.open', { roomId: ROOM });
const ours = await plainProducer(server, ROOM, { ssrc: SSRC, pt: PT });
const bares: { close: () => void }[] = [];
let janus: Janus | null = null;
let peers = 0;
const systems: System[] = [];
for (const spec of SPECS) {
  const base = { name: spec.label, listeners: [], samples: [], loss: [] };
  if (spec.name === 'ours') {
    systems.push({ ...base, pid: server.workerPids[0]!, rtpPort: ours.rtpPort, add: async () => (await addListener(control, ROOM, rtpCapabilities as never, [ours.producerId], `listener${peers++}`)).transport });
  } else if (spec.name === 'bare') {
    // mediasoup hands its own environment to the worker it spawns.
    const saved = { ...process.env };
    Object.assign(process.env, spec.env);
    const bare = await startBare({ pt: PT, ssrc: SSRC }).finally(() => {
      for (const key of Object.keys(spec.env)) if (saved[key] === undefined) delete process.env[key];
      Object.assign(process.env, saved);
    });
    bares.push(bare);
    systems.push({ ...base, pid: bare.pid, rtpPort: bare.rtpPort, add: () => bare.addListener() });
  } else {
    const j = (janus ??= await Janus.start({ pt: PT }));
    systems.push({
      ...base,
      pid: j.pid,
      rtpPort: j.rtpPort,
      add: async () => {
        const l = await j.addListener();
        return l.pc as unknown as Stats;
      },
    });
  }
}

const stop = () => {
  ffmpeg.kill('SIGKILL');
  janus?.stop();
  for (const b of bares) b.close();
  server.close();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stop();
    process.exit(130);
  });
}

const pad = (v: string | number, n: number) => String(v).padStart(n);
console.log(`SFU cost: 1 Opus speaker (ffmpeg, ${1000 / frameMs} packets/s, ${kbps} kbit/s) → N @roamhq/wrtc listeners (SRTP AES_CM_128_HMAC_SHA1_80), ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'})`);
console.log(`systems: ${systems.map((s) => s.name).join(', ')}; ${ROUNDS} rounds of ${WINDOW_S} s windows per N, alternating; worker binary ${process.env.MEDIASOUP_WORKER_BIN ?? "(mediasoup's own)"}`);
console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates every figure; compare ratios)`);
console.log('   N | system | round | pkts/s per listener | CPU µs/consumer-s | process core % | loss % | load-gen core %');
const summary: string[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
try {
  for (const n of sizes.length ? sizes : [50, 100, 200, 400]) {
    let reached = true;
    const setup = performance.now();
    for (const system of systems) {
      let failures = 0;
      while (system.listeners.length < n && failures < 5) {
        try {
          system.listeners.push(await within(30_000, system.add(), `${system.name} listener ${system.listeners.length + 1}`));
        } catch (error) {
          // On two cores the Node load generator (not the SFU) runs out first; one slow set-up is retried.
          failures++;
          console.log(`${pad(n, 4)} | ${system.name} listener ${system.listeners.length + 1} failed (${(error as Error).message})`);
        }
      }
      if (system.listeners.length < n) {
        console.log(`${pad(n, 4)} | not reached: ${system.name} has ${system.listeners.length} listeners after 5 failures; the load generator is starving`);
        reached = false;
        break;
      }
    }
    if (!reached) break;
    console.log(`${pad(n, 4)} | ${systems.length * n} listeners connected (set-up ${((performance.now() - setup) / 1000).toFixed(0)} s); measuring`);
    for (const s of systems) {
      s.samples = [];
      s.loss = [];
    }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const system of systems) {
        const r0 = await received(system.listeners);
        const f0 = forwarded;
        const c0 = cpuMs(system.pid);
        const g0 = process.cpuUsage();
        const t0 = performance.now();
        target = system.rtpPort;
        await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
        target = null;
        const seconds = (performance.now() - t0) / 1000;
        const cpu = cpuMs(system.pid) - c0;
        const gen = process.cpuUsage(g0);
        const sent = forwarded - f0;
        // Let the last packets arrive before counting.
        await new Promise((r) => setTimeout(r, 1000));
        const got = (await received(system.listeners)) - r0;
        const perConsumerSecondUs = (cpu * 1000) / (n * seconds);
        const loss = (100 * (sent * n - got)) / Math.max(1, sent * n);
        system.samples.push(perConsumerSecondUs);
        system.loss.push(loss);
        console.log(
          `${pad(n, 4)} | ${system.name.padEnd(6)} | ${pad(round, 5)} | ${(got / n / seconds).toFixed(1).padStart(19)} | ${perConsumerSecondUs.toFixed(0).padStart(17)} | ${(cpu / (seconds * 10)).toFixed(1).padStart(14)} | ${loss.toFixed(2).padStart(6)} | ${((gen.user + gen.system) / (seconds * 10_000)).toFixed(1).padStart(15)}`,
        );
      }
    }
    const by = new Map(systems.map((s) => [s.name, mean(s.samples)]));
    const ratio = (a: string, b: string) => `${a}/${b} ${(by.get(a)! / by.get(b)!).toFixed(2)}`;
    const first = systems[0]!.name;
    const ratios = by.has('ours') && (by.has('bare') || by.has('janus'))
      ? [by.has('bare') ? ratio('ours', 'bare') : '', by.has('janus') ? ratio('janus', 'ours') : ''].filter(Boolean)
      : systems.slice(1).map((s) => ratio(s.name, first));
    // Listeners that lose most packets stop their ICE consent checks in time: the SFU then stops
    // sending to them and its CPU figure means nothing.
    const starved = systems.some((s) => mean(s.loss) > 50);
    summary.push(
      `${pad(n, 4)} | ${systems.map((s) => `${s.name} ${mean(s.samples).toFixed(0)} µs (${Math.floor(800_000 / mean(s.samples))}/core at 80%, loss ${mean(s.loss).toFixed(2)} %)`).join(' | ')} | ${ratios.join(' | ')}${starved ? ' | NOT VALID: the listeners were starved (loss > 50 %)' : ''}`,
    );
  }
  console.log('\nmean per N: CPU per consumer-second (consumers per core at 80 %, loss) and ratios');
  for (const line of summary) console.log(line);
  console.log("anchor: mediasoup's documentation estimates ~500 consumers per worker (one core)");
} finally {
  stop();
}
process.exit(0);
