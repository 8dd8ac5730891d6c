/**
 * Opening a room link, to the first audio packet of the speaker already there, for a signed-in
 * guest. Real server process, real mediasoup worker, real Chromium; the page marks the instants
 * (performance marks set by the web app's room client: `roomcast:join-request` when it emits
 * room:join, `roomcast:first-audio` when a remote audio track unmutes, which Chromium does on the
 * first RTP packet). Marks are relative to the page's navigation start, so three spans come out:
 * navigation → join request (bundle, session check, socket connect), join → first audio (the
 * join itself), and navigation → first audio (what the person waits). Goal on a 2-core
 * machine: navigation → first audio p95 ≤ 500 ms.
 *
 *   pnpm bench:join [joins=30]
 */
import os from 'node:os';
import { openParticipant } from '@roomcast/e2e/harness/browser.js';
import { createRoom, signUp, waitConnected } from '@roomcast/e2e/harness/flows.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';

const joins = Math.max(1, Number(process.argv[2] ?? 30));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

// The bench joins one account in a loop: past the production join limit on purpose.
const server = await startRoomcast({ env: { JOINS_PER_MINUTE: '100000' } });
const host = await openParticipant({ toneHz: 440 });
const listener = await openParticipant();
try {
  await signUp(host.page, server.url, { email: 'bench@example.org', password: 'measured not guessed', name: 'Host' });
  const roomId = await createRoom(host.page, 'Bench');
  await waitConnected(host.page);

  // One guest account; each join is a fresh page (new socket, device, transports).
  const signIn = await listener.page.request.post(`${server.url}/api/auth/guest`, { data: { displayName: 'Listener' } });
  if (!signIn.ok()) throw new Error(`guest sign-in failed: ${signIn.status()}`);

  const spans = {
    // Where the time before the join goes: the document and entry script, the early socket's chunk, the socket's handshake.
    '  navigation → entry runs': [] as number[],
    '  entry → socket opens': [] as number[],
    '  socket opens → connected': [] as number[],
    'navigation → join request': [] as number[],
    'join → first audio': [] as number[],
    'navigation → first audio': [] as number[],
  };
  for (let i = 0; i < joins; i++) {
    const page = await listener.context.newPage();
    await page.goto(`${server.url}/r/${roomId}`);
    await page.waitForFunction(() => performance.getEntriesByName('roomcast:first-audio').length > 0, undefined, { timeout: 30_000 });
    // startTime counts from the page's navigation start (performance.timeOrigin).
    const { boot, open, join, audio } = await page.evaluate(() => {
      const at = (mark: string) => performance.getEntriesByName(mark)[0]?.startTime ?? NaN;
      return { boot: at('roomcast:boot'), open: at('roomcast:socket-open'), join: at('roomcast:join-request'), audio: at('roomcast:first-audio') };
    });
    spans['  navigation → entry runs'].push(boot);
    spans['  entry → socket opens'].push(open - boot);
    spans['  socket opens → connected'].push(join - open);
    spans['navigation → join request'].push(join);
    spans['join → first audio'].push(audio - join);
    spans['navigation → first audio'].push(audio);
    await page.close();
  }

  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`opening a room link over ${joins} joins on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  for (const [name, all] of Object.entries(spans)) {
    // A join the room's code sent itself (no early socket) has no entry/socket marks.
    const samples = all.filter(Number.isFinite);
    if (samples.length === 0) continue;
    const sorted = [...samples].sort((a, b) => a - b);
    const mean = samples.reduce((sum, ms) => sum + ms, 0) / samples.length;
    console.log(
      `  ${name.padEnd(26)} p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  mean ${fmt(mean)}  min ${fmt(sorted[0]!)}  max ${fmt(sorted.at(-1)!)}`,
    );
  }
  const p95 = percentile([...spans['navigation → first audio']].sort((a, b) => a - b), 95);
  console.log(`  goal: navigation → first audio p95 ≤ 500 ms: ${p95 <= 500 ? 'met' : 'NOT met'} (${fmt(p95)})`);
} finally {
  await Promise.all([host.close(), listener.close()]);
  await server.stop();
}
