/**
 * SFU cost of fan-out: CPU the mediasoup worker spends per listener-second while one speaker's
 * Opus stream goes to N listeners. Real server process, real worker, one speaker (Chromium with
 * a tone) and N listener pages (one Chromium, one page each: each page is its own WebRTC
 * subscriber). The worker's CPU time comes from mediasoup's getResourceUsage, via the admin
 * stats endpoint; the speaker-only cost is measured first and subtracted.
 *
 *   pnpm bench:sfu [maxListeners=8] [seconds=15]
 *
 * Eight listener pages is about what two cores can run beside the server; more need more cores.
 *
 * Listeners are browser pages rather than Node WebRTC clients: heavier on the client side, the
 * same on the SFU side, which is what this measures (worker CPU, not wall time).
 */
import os from 'node:os';
import type { Page } from 'playwright-core';
import { openParticipant } from '@roomcast/e2e/harness/browser.js';
import { createRoom, signUp, waitConnected, waitForRemoteAudio, waitParticipant } from '@roomcast/e2e/harness/flows.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';

const maxListeners = Math.max(1, Number(process.argv[2] ?? 8));
const seconds = Math.max(5, Number(process.argv[3] ?? 15));
const steps = [0, ...[1, 2, 4, 8, 16, 32, 64].filter((n) => n < maxListeners), maxListeners];

const server = await startRoomcast();
const host = await openParticipant({ toneHz: 440 });
const listeners = await openParticipant();
try {
  await signUp(host.page, server.url, { email: 'sfu-bench@example.org', password: 'fan out and measure', name: 'Host' });
  const roomId = await createRoom(host.page, 'SFU cost');
  const hostPeer = await waitConnected(host.page);

  const workerCpuMs = async (): Promise<number> => {
    const res = await host.page.request.get(`${server.url}/api/admin/stats`);
    const body = (await res.json()) as { sfu: { workers: { cpuMs: number }[] } };
    return body.sfu.workers.reduce((sum, w) => sum + w.cpuMs, 0);
  };

  const pages: Page[] = [];
  const rows: { listeners: number; cpuPercent: number; usPerListenerSecond: number | null }[] = [];
  let baseline = 0;
  for (const n of steps) {
    while (pages.length < n) {
      // Its own context (cookie jar) and guest account per listener, as separate people would be.
      const context = await listeners.browser.newContext();
      const page = await context.newPage();
      const signIn = await page.request.post(`${server.url}/api/auth/guest`, { data: { displayName: `Listener ${pages.length + 1}` } });
      if (!signIn.ok()) throw new Error(`guest sign-in failed: ${signIn.status()}`);
      await page.goto(`${server.url}/r/${roomId}`);
      const peer = await waitConnected(page);
      await waitForRemoteAudio(page, hostPeer);
      // Listeners only listen: a muted microphone sends no RTP, so only the speaker fans out.
      await page.getByTestId('mute').click();
      await waitParticipant(host.page, peer, 'mic', 'muted');
      pages.push(page);
    }
    // A benchmark measures over a fixed window; this wait is the measurement itself.
    const before = await workerCpuMs();
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cpuMs = (await workerCpuMs()) - before;
    const wallMs = Date.now() - start;
    const cpuPercent = (cpuMs / wallMs) * 100;
    if (n === 0) baseline = cpuMs / wallMs;
    const perListener = n === 0 ? null : ((cpuMs / wallMs - baseline) * 1e6) / n; // µs of CPU per listener-second
    rows.push({ listeners: n, cpuPercent, usPerListenerSecond: perListener });
    console.log(`  ${String(n).padStart(3)} listeners: worker ${cpuPercent.toFixed(2)}% of a core` + (perListener === null ? ' (speaker only)' : `, ${perListener.toFixed(0)} µs CPU per listener-second`));
  }

  const last = rows.at(-1)!;
  console.log(`sfu fan-out cost, one Opus speaker → ${maxListeners} listeners, ${seconds} s windows, on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  if (last.usPerListenerSecond && last.usPerListenerSecond > 0) {
    console.log(`  ≈ ${Math.floor((0.8 * 1e6) / last.usPerListenerSecond)} listeners per worker at 80% of a core (extrapolated from ${last.listeners})`);
  }
} finally {
  await Promise.all([host.close(), listeners.close()]);
  await server.stop();
}
