/**
 * Watch-party sync under random host actions: five members (one Chromium, a context each) watch
 * a generated video while the host plays, pauses, seeks and changes the rate at random every few
 * seconds. Every ~100 ms each member's currentTime is sampled and carried to a common instant;
 * pairwise distances give p50/p95/max, over the whole run and in steady state (from 1.5 s after
 * each action; "all" also counts rounds whose sequential sampling straddled a command's switch,
 * so its max is a seek's distance, not drift). Printed beside the anchors: Jellyfin SyncPlay treats 60 ms as "in sync",
 * Syncplay corrects only past 1.5 s, howardchung/watchparty lets members drift about 1 s.
 * Goal: steady p95 ≤ 40 ms.
 *
 *   pnpm bench:party [seconds=300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchShared, newPerson } from '@roomcast/e2e/harness/browser.js';
import { enterParty, guestIn, pairwiseDriftMs, partyCommand, percentile, sampleVideo, startParty, syncCounters } from '@roomcast/e2e/harness/party.js';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';
import { openDatabase } from '@roomcast/signaling/db';
import { readyVideo } from '@roomcast/signaling/testing/videos';

const seconds = Math.max(20, Number(process.argv[2] ?? 300));
const MEMBERS = 5;
const CLIP_S = 180;
const STEADY_AFTER_MS = 1_500;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-bench-party-'));
const server = await startRoomcast({ env: { DATA_DIR: dataDir } });
const browser = await launchShared();
try {
  const pages = [];
  for (let i = 0; i < MEMBERS; i++) pages.push(await newPerson(browser));
  const host = pages[0]!;
  const hostId = await guestIn(host, server.url, 'Host');
  const db = await openDatabase(`file:${path.join(dataDir, 'roomcast.db')}`);
  const videoId = await readyVideo({ db, config: { dataDir } }, hostId, { seconds: CLIP_S });
  await db.close();
  const roomId = await startParty(host, videoId);
  for (const [i, page] of pages.entries()) {
    if (i > 0) await guestIn(page, server.url, `Member ${i}`);
    await enterParty(page, server.url, roomId);
  }

  const all: number[] = [];
  const steady: number[] = [];
  const actions: Record<string, number> = { play: 0, pause: 0, seek: 0, rate: 0 };
  let paused = true;
  let position = 0;
  let rate = 1;
  let lastAction = 0;
  let nextAction = Date.now();
  const end = Date.now() + seconds * 1000;
  let playedAt = 0;

  while (Date.now() < end) {
    if (Date.now() >= nextAction) {
      if (!paused) position += ((Date.now() - playedAt) / 1000) * rate;
      playedAt = Date.now();
      const pick: 'play' | 'pause' | 'seek' | 'rate' = paused ? 'play' : position > CLIP_S - 30 ? 'seek' : (['pause', 'seek', 'rate', 'seek'] as const)[Math.floor(Math.random() * 4)]!;
      if (pick === 'play' || pick === 'pause') {
        paused = pick === 'pause';
        await partyCommand(host, { action: pick });
      } else if (pick === 'seek') {
        position = Math.round(Math.random() * (CLIP_S - 60) * 10) / 10;
        await partyCommand(host, { action: 'seek', position });
      } else {
        rate = [0.75, 1, 1.25, 1.5].filter((r) => r !== rate)[Math.floor(Math.random() * 3)]!;
        await partyCommand(host, { action: 'rate', rate });
      }
      actions[pick]!++;
      lastAction = Date.now();
      nextAction = Date.now() + 4_000 + Math.random() * 4_000;
    }
    const samples = [];
    for (const page of pages) samples.push(await sampleVideo(page));
    const drifts = pairwiseDriftMs(samples);
    all.push(...drifts);
    if (Date.now() - lastAction >= STEADY_AFTER_MS) steady.push(...drifts);
    await new Promise((r) => setTimeout(r, 100));
  }

  const counters = await Promise.all(pages.map((p) => syncCounters(p)));
  const nudges = counters.reduce((n, c) => n + (c?.rateNudges ?? 0), 0);
  const seeks = counters.reduce((n, c) => n + (c?.seeks ?? 0), 0);
  const fmt = (v: number) => `${v.toFixed(1)} ms`;
  const line = (name: string, v: number[]) => `  ${name.padEnd(8)} p50 ${fmt(percentile(v, 50))}  p95 ${fmt(percentile(v, 95))}  max ${fmt(Math.max(...v))}  (${v.length} pairwise samples)`;
  console.log(`watch-party sync: ${MEMBERS} members, ${seconds} s, random host actions ${JSON.stringify(actions)} on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  console.log(line('steady', steady));
  console.log(line('all', all));
  console.log(`  corrections over all members: ${nudges} rate nudges, ${seeks} seeks (commands included)`);
  console.log('  anchors: Jellyfin SyncPlay "in sync" band 60 ms · Syncplay acts past 1500 ms · howardchung/watchparty ~1000 ms');
  const p95 = percentile(steady, 95);
  console.log(`  goal: steady p95 ≤ 40 ms: ${p95 <= 40 ? 'met' : 'NOT met'} (${fmt(p95)}; ${(60 / p95).toFixed(1)}× inside Jellyfin's band)`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
