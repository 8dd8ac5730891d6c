/**
 * SFU cost: one Opus speaker, N listeners subscribing over real WebRTC (ICE + DTLS + SRTP) from
 * Node (@roamhq/wrtc driven by mediasoup-client). Prints the worker's CPU per consumer-second,
 * packet loss, and the load generator's own CPU so a starved run is visible.
 * mediasoup's documentation puts a worker at ~500 consumers; this measures ours.
 *
 * `--kbps=128` makes the speaker a live DJ broadcast (stereo Opus at the studio's default
 * bitrate, no DTX): listeners per worker and CPU per listener-second of a broadcast.
 *
 *   pnpm bench:sfu-cost [--kbps=96] [N ...]      (default 50 100 200)
 */
import os from 'node:os';
import { pino } from 'pino';
import { freePort } from '@roomcast/e2e/harness/ports.js';
import { LocalSfuControl, SfuConfig, SfuServer } from '@roomcast/sfu';
import { addListener, startSpeaker, type Listener } from './sfu-load.js';

const kbps = Number(process.argv.find((a) => a.startsWith('--kbps='))?.slice('--kbps='.length) ?? 96);
const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number).filter((n) => n > 0);
const WINDOW_S = 10;
const ROOM = 'bench';

const cpuMs = async (server: SfuServer) => (await server.stats()).workers.reduce((sum, w) => sum + w.cpuMs, 0);

const port = await freePort();
const server = await SfuServer.create(SfuConfig.parse({ workers: 1, listenIp: '127.0.0.1', port }), pino({ level: 'warn' }));
const control = new LocalSfuControl(server);
const { rtpCapabilities } = await control.request('room.open', { roomId: ROOM });
const speaker = await startSpeaker(server, ROOM, { kbps });
console.log(`SFU cost: 1 stereo Opus speaker at ${kbps} kbit/s → N WebRTC listeners, one mediasoup worker, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'})`);
console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates every figure)`);
console.log('   N | pkts/s per consumer | worker CPU µs/consumer-s | worker core % | loss % | load-gen core % | consumers/core at 80%');
try {
  const listeners: Listener[] = [];
  for (const n of sizes.length ? sizes : [50, 100, 200]) {
    try {
      while (listeners.length < n) listeners.push(await addListener(control, ROOM, rtpCapabilities as never, [speaker.producerId], `listener${listeners.length}`));
    } catch (error) {
      // On two cores the Node load generator (not the SFU) runs out first: report where.
      console.log(`${String(n).padStart(4)} | not reached: listener ${listeners.length} failed (${(error as Error).message}); the load generator is starving`);
      break;
    }
    const room = server.findRoom(ROOM)!;
    const consumers = () => [...room.peers.values()].flatMap((p) => [...p.consumers.values()]);
    const before = await Promise.all(consumers().map(async (c) => (await c.getStats())[0]));
    const cpu0 = await cpuMs(server);
    const gen0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (await cpuMs(server)) - cpu0;
    const gen = process.cpuUsage(gen0);
    const after = await Promise.all(consumers().map(async (c) => (await c.getStats())[0]));
    const sent = after.reduce((s, st, k) => s + (st?.packetCount ?? 0) - (before[k]?.packetCount ?? 0), 0);
    const lost = after.reduce((s, st, k) => s + (st?.packetsLost ?? 0) - (before[k]?.packetsLost ?? 0), 0);
    const perConsumerSecondUs = (cpu * 1000) / (n * seconds);
    const workerCore = cpu / (seconds * 10);
    const genCore = (gen.user + gen.system) / (seconds * 10_000);
    const perCore = Math.floor((0.8 * 1_000_000) / perConsumerSecondUs);
    console.log(
      `${String(n).padStart(4)} | ${(sent / n / seconds).toFixed(1).padStart(19)} | ${perConsumerSecondUs.toFixed(0).padStart(24)} | ${workerCore.toFixed(1).padStart(13)} | ${((100 * lost) / Math.max(1, sent)).toFixed(2).padStart(6)} | ${genCore.toFixed(1).padStart(15)} | ${String(perCore).padStart(21)}`,
    );
  }
  console.log("anchor: mediasoup's documentation estimates ~500 consumers per worker (one core)");
  for (const l of listeners) l.transport.close();
} finally {
  speaker.stop();
  server.close();
}
process.exit(0);
