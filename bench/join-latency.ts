/**
 * Join-to-first-audio: how long a guest waits between asking to join a room and receiving the
 * first audio packet of the speaker already there. Real server process, real mediasoup worker,
 * real Chromium; the page marks both instants (performance marks set by the web app's room
 * client: `roomcast:join-request` when it emits room:join, `roomcast:first-audio` when a remote
 * audio track unmutes, which Chromium does on the first RTP packet).
 *
 *   pnpm bench:join [joins=30]
 */
import os from 'node:os';
import { openParticipant } from '@roomcast/e2e/harness/browser.js';
import { createRoom, signUp, waitConnected } from '@roomcast/e2e/harness/flows.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';

const joins = Math.max(1, Number(process.argv[2] ?? 30));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const server = await startRoomcast();
const host = await openParticipant({ toneHz: 440 });
const listener = await openParticipant();
try {
  await signUp(host.page, server.url, { email: 'bench@example.org', password: 'measured not guessed', name: 'Host' });
  const roomId = await createRoom(host.page, 'Bench');
  await waitConnected(host.page);

  // One guest account; each join is a fresh page (new socket, device, transports).
  const signIn = await listener.page.request.post(`${server.url}/api/auth/guest`, { data: { displayName: 'Listener' } });
  if (!signIn.ok()) throw new Error(`guest sign-in failed: ${signIn.status()}`);

  const samples: number[] = [];
  for (let i = 0; i < joins; i++) {
    const page = await listener.context.newPage();
    await page.goto(`${server.url}/r/${roomId}`);
    await page.waitForFunction(() => performance.getEntriesByName('roomcast:first-audio').length > 0, undefined, { timeout: 30_000 });
    samples.push(
      await page.evaluate(() => {
        const [join] = performance.getEntriesByName('roomcast:join-request');
        const [audio] = performance.getEntriesByName('roomcast:first-audio');
        return audio!.startTime - join!.startTime;
      }),
    );
    await page.close();
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`join-to-first-audio over ${joins} joins on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  const mean = samples.reduce((sum, ms) => sum + ms, 0) / samples.length;
  console.log(`  p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  mean ${fmt(mean)}  min ${fmt(sorted[0]!)}  max ${fmt(sorted.at(-1)!)}`);
} finally {
  await Promise.all([host.close(), listener.close()]);
  await server.stop();
}
