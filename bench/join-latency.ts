/**
 * Opening a room link, to the first audio packet of the speaker already there, for a signed-in
 * guest who has been here before (the browser's HTTP cache is warm). Real server process, real
 * mediasoup worker, real Chromium; the web app marks the instants of its first join
 * (`apps/web/src/lib/marks.ts`; `roomcast:first-audio` when a remote audio track unmutes, which
 * Chromium does on the first RTP packet). Marks count from the page's navigation start, so each
 * step of the wait gets its own line: the document, the entry script, the early socket, the
 * join, the device, the receive transport, ICE/DTLS, the first packet.
 *
 * The same run opens, in the same browser and alternating with the joins, a blank page of the
 * same site whose one module script only marks that it ran: Chromium's own cost of a new page
 * on this machine, which no app can go below. And the same page with the app's
 * `Cross-Origin-Opener-Policy: same-origin`, which makes Chromium swap to a new renderer process
 * on the navigation: what that header costs. Goal on a 2-core machine: navigation → first
 * audio p95 ≤ 500 ms.
 *
 *   pnpm bench:join [joins=30]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { openParticipant } from '@roomcast/e2e/harness/browser.js';
import { createRoom, signUp, waitConnected } from '@roomcast/e2e/harness/flows.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';
import { percentile } from './stats.js';

const joins = Math.max(1, Number(process.argv[2] ?? 30));

// The bench joins one account in a loop: past the production join limit on purpose.
const server = await startRoomcast({ env: { JOINS_PER_MINUTE: '100000' } });
const blank = await blankSite();
const host = await openParticipant({ toneHz: 440 });
const listener = await openParticipant();
try {
  await signUp(host.page, server.url, { email: 'bench@example.org', password: 'measured not guessed', name: 'Host' });
  const roomId = await createRoom(host.page, 'Bench');
  await waitConnected(host.page);

  // One guest account; each join is a fresh page (new socket, device, transports).
  const signIn = await listener.page.request.post(`${server.url}/api/auth/guest`, { data: { displayName: 'Listener' } });
  if (!signIn.ok()) throw new Error(`guest sign-in failed: ${signIn.status()}`);

  // Each span runs from one mark to the next; indented ones split the line below them.
  const stages: [string, string, string][] = [
    ['  navigation → fetch starts', 'navigationStart', 'fetchStart'],
    ['  fetch → document received', 'fetchStart', 'responseEnd'],
    ['  document → entry runs', 'responseEnd', 'boot'],
    ['  entry → socket opens', 'boot', 'socket-open'],
    ['  socket opens → connected', 'socket-open', 'join-request'],
    ['navigation → join request', 'navigationStart', 'join-request'],
    ['  join → answer', 'join-request', 'join-answer'],
    ['  answer → device loaded', 'join-answer', 'device-loaded'],
    ['  device → recv transport', 'device-loaded', 'recv-transport'],
    ['  transport → consumers resumed', 'recv-transport', 'resumed'],
    ['  transport → recv connected', 'recv-transport', 'recv-connected'],
    ['  recv connected → first audio', 'recv-connected', 'first-audio'],
    ['join → first audio', 'join-request', 'first-audio'],
    ['navigation → first audio', 'navigationStart', 'first-audio'],
  ];
  // The blank page's floors, by the path that serves them (blankSite).
  const floors = [
    ['plain', 'blank page: navigation → script'],
    ['coop', '  the same with COOP same-origin'],
  ] as const;
  const spans = new Map([...stages.map(([name]) => name), ...floors.map(([, name]) => name)].map((name) => [name, [] as number[]]));
  for (let i = 0; i < joins; i++) {
    const page = await listener.context.newPage();
    await page.goto(`${server.url}/r/${roomId}`);
    await page.waitForFunction(() => performance.getEntriesByName('roomcast:first-audio').length > 0, undefined, { timeout: 30_000 });
    // startTime counts from the page's navigation start (performance.timeOrigin).
    const marks: Record<string, number> = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('roomcast:')).map((m) => [m.name.slice(9), m.startTime])),
    );
    const document = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.toJSON() as Record<string, number>);
    Object.assign(marks, { navigationStart: 0, fetchStart: document['fetchStart'], responseEnd: document['responseEnd'] });
    for (const [name, from, to] of stages) spans.get(name)!.push((marks[to] ?? NaN) - (marks[from] ?? NaN));
    await page.close();

    for (const [path, span] of floors) {
      const floor = await listener.context.newPage();
      await floor.goto(`${blank.url}/${path}/${i}`);
      await floor.waitForFunction(() => performance.getEntriesByName('roomcast:blank-script').length > 0, undefined, { timeout: 30_000 });
      spans.get(span)!.push(await floor.evaluate(() => performance.getEntriesByName('roomcast:blank-script')[0]!.startTime));
      await floor.close();
    }
  }

  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`opening a room link over ${joins} joins on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  for (const [name, all] of spans) {
    // A join the room's code sent itself (no early socket) has no entry/socket marks.
    const samples = all.filter(Number.isFinite);
    if (samples.length === 0) continue;
    const mean = samples.reduce((sum, ms) => sum + ms, 0) / samples.length;
    console.log(
      `  ${name.padEnd(32)} p50 ${fmt(percentile(samples, 50))}  p95 ${fmt(percentile(samples, 95))}  mean ${fmt(mean)}  min ${fmt(Math.min(...samples))}  max ${fmt(Math.max(...samples))}`,
    );
  }
  const p95 = percentile(spans.get('navigation → first audio')!, 95);
  console.log(`  goal: navigation → first audio p95 ≤ 500 ms: ${p95 <= 500 ? 'met' : 'NOT met'} (${fmt(p95)})`);
} finally {
  await Promise.all([host.close(), listener.close()]);
  await server.stop();
  blank.server.close();
}

/**
 * A site on loopback whose every page is blank but for one cached module script that marks its
 * start; pages under /coop/ carry the app's opener policy.
 */
async function blankSite(): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/mark.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=3600' });
      return res.end("performance.mark('roomcast:blank-script');");
    }
    const coop = req.url?.startsWith('/coop/') ? { 'cross-origin-opener-policy': 'same-origin' } : {};
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-cache', ...coop });
    res.end('<!doctype html><html><head><script type="module" src="/mark.js"></script></head><body></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
