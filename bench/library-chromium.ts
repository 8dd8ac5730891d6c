/**
 * bench:library in Chromium: My library's player path (the page's Service Worker asks ranges,
 * the bridge reads them over the data channel) against a bare node-datachannel → Chromium
 * transfer, and seek-to-audio per rung beside nginx — with where a seek's time goes.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { openParticipant } from '@roomcast/e2e/harness/browser.js';
import { bareToChromium, mbps, step } from './library-bare.js';
import { percentile } from './stats.js';

export interface SeekRow {
  name: string;
  p50: number;
  p95: number;
  stalls: string[];
  /** Median ms from the seek to each stage, and the KiB of older reads that came before the new read's first byte. */
  stages: Record<Stage, number | null> & { oldKiB: number | null };
  /** UDP datagrams this namespace dropped for a full receive buffer while the row ran (each one SCTP must retransmit). */
  drops: number;
}

export interface ChromiumFigures {
  product: number;
  bare: number;
  rung: string;
  rounds: number[][];
  seekRows: SeekRow[];
}

const STAGES = ['ask', 'sent', 'first', 'seeked', 'played'] as const;
type Stage = (typeof STAGES)[number];
export const STAGE_NAMES: Record<Stage, string> = { ask: 'SW asks', sent: 'read sent', first: 'first byte', seeked: 'seeked', played: 'plays' };

/**
 * Records, in the page, when the Service Worker asks for a range, when a read goes out on the
 * data channel and when each read's bytes come back (epoch ms, comparable across processes).
 * Plain JS: tsx would wrap named functions in a __name the page lacks.
 */
const TRACE_SCRIPT = `
  window.__trace = [];
  var T = function () { return performance.timeOrigin + performance.now(); };
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener('message', function (e) { if (e.data && e.data.type === 'library-read') window.__trace.push(['ask', T()]); });
  var create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function () {
    var ch = create.apply(this, arguments);
    var send = ch.send.bind(ch);
    ch.send = function (d) {
      if (typeof d === 'string') { try { var m = JSON.parse(d); if (m.op === 'read') window.__trace.push(['sent', T(), m.id]); } catch (x) {} }
      send(d);
    };
    ch.addEventListener('message', function (e) {
      if (typeof e.data !== 'string') window.__trace.push(['bytes', T(), new DataView(e.data).getUint32(0), e.data.byteLength - 4]);
    });
    return ch;
  };
`;

type Mark = [string, number, ...number[]];

/** UDP datagrams dropped so far in this network namespace because a socket's receive buffer was full. */
function udpDrops(): number {
  const [names, values] = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'))
    .map((l) => l.split(/\s+/));
  return Number(values?.[names?.indexOf('RcvbufErrors') ?? -1] ?? 0);
}

/** Per seek: ms from the seek to each stage (null where the rung does not show it: the relay's reads go by socket.io). */
function stagesOf(trace: Mark[], ms: number[]): SeekRow['stages'] {
  const seeks = trace.filter((m) => m[0] === 'seek');
  const per: Record<Stage | 'oldKiB', number[]> = { ask: [], sent: [], first: [], seeked: [], played: [], oldKiB: [] };
  seeks.forEach((seek, i) => {
    const t0 = seek[1];
    const until = seeks[i + 1]?.[1] ?? Infinity;
    const marks = trace.filter((m) => m[1] >= t0 && m[1] < until);
    const at = (name: string, pick: (m: Mark) => boolean = () => true) => marks.find((m) => m[0] === name && pick(m));
    const sent = at('sent');
    const first = sent && at('bytes', (m) => m[2] === sent[2]);
    for (const [stage, mark] of [['ask', at('ask')], ['sent', sent], ['first', first], ['seeked', at('seeked')]] as const) {
      if (mark) per[stage].push(mark[1] - t0);
    }
    per.played.push(ms[i]!);
    if (first) per.oldKiB.push(marks.filter((m) => m[0] === 'bytes' && m[1] <= first[1] && m[2]! < sent[2]!).reduce((n, m) => n + m[3]!, 0) / 1024);
  });
  const median = (xs: number[]) => (xs.length ? percentile(xs, 50) : null);
  return { ask: median(per.ask), sent: median(per.sent), first: median(per.first), seeked: median(per.seeked), played: median(per.played), oldKiB: median(per.oldKiB) };
}

/** `seeks` random seeks of an <audio> element playing `src`: ms from each seek until it plays past the new time. */
async function seekToAudio(page: Page, src: string, seeks: number): Promise<{ ms: number[]; stalls: string[]; trace: Mark[] }> {
  return page.evaluate(
    async ({ src, seeks }) => {
      const w = window as unknown as { __trace?: [string, number, ...number[]][] };
      const trace = (w.__trace ??= []);
      trace.length = 0;
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
          trace.push(['seek', performance.timeOrigin + performance.now()]);
          el.addEventListener('seeked', () => trace.push(['seeked', performance.timeOrigin + performance.now()]), { once: true });
          el.currentTime = t;
          // A polling loop, not a named callback (nor a function in a const): tsx's keepNames would wrap one in a __name the page lacks.
          while (el.seeking || el.currentTime <= t + 0.02) {
            if (performance.now() - t0 > 10_000) {
              // Counted, not fatal: a stall is a finding to report (10 s stands in for its time).
              stalls.push(`${t.toFixed(1)} s (readyState ${el.readyState}, networkState ${el.networkState})`);
              break;
            }
            await new Promise((r) => setTimeout(r, 2));
          }
          out.push(performance.now() - t0);
          trace.push(['played', performance.timeOrigin + performance.now()]);
        }
        return { ms: out, stalls, trace: trace.slice() };
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

/**
 * The goal's comparison: the agent's direct rung into Chromium as My library plays, against a
 * bare node-datachannel → Chromium transfer of the same size in the same browser (alternating
 * rounds), then seek-to-audio on each rung and on nginx.
 */
export async function chromiumFigures(
  o: { base: string; cookie: string; agentId: string; trackId: string; size: number; nginxUrl: string; rounds: number; seeks: number; seekRungs: string[] | null },
): Promise<ChromiumFigures> {
  const person = await openParticipant({ extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${o.base}`] });
  try {
    const [name, value] = o.cookie.split('=') as [string, string];
    await person.context.addCookies([{ name, value, url: o.base }]);
    const page = person.page;
    await page.addInitScript({ content: TRACE_SCRIPT });
    // As e2e's openLibrary, without vitest: the agent online, opened, its rung named.
    const openAgent = async (query = '') => {
      await page.goto(`${o.base}/library${query}`);
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
        { agentId: o.agentId, trackId: o.trackId, size: o.size },
      );
    // Alternating A/B rounds on a shared machine: the ratio of medians, not of one lucky pair.
    const productMs: number[] = [];
    const bareMs: number[] = [];
    for (let round = 0; round < o.rounds; round++) {
      step(`chromium round ${round + 1}/${o.rounds}: bare node-datachannel`);
      bareMs.push(await bareToChromium(page, o.size));
      step(`chromium round ${round + 1}/${o.rounds}: My library, direct`);
      productMs.push(await product());
    }
    // Seek-to-audio: an <audio> element playing the file, moved to random times; from the seek
    // until its clock runs past the new time (the bytes came, were decoded and are playing).
    const seekRows: SeekRow[] = [];
    const stream = `/library/stream/${o.agentId}/${o.trackId}`;
    const rungs = ([['direct', ''], ['TURN', '?turn=1'], ['server relay', '?relay=1']] as const).filter(([label]) => !o.seekRungs || o.seekRungs.includes(label));
    for (const [label, query] of rungs) {
      step(`chromium: seek-to-audio, ${label}`);
      const shown = label === 'direct' ? rung : await openAgent(query);
      const dropped = udpDrops();
      const { ms, stalls, trace } = await seekToAudio(page, stream, o.seeks);
      seekRows.push({ name: `${label} (rung ${shown})`, p50: percentile(ms, 50), p95: percentile(ms, 95), stalls, stages: stagesOf(trace, ms), drops: udpDrops() - dropped });
    }
    step('chromium: seek-to-audio, nginx');
    // On a blank page of its own: the app's Content-Security-Policy admits media from itself only.
    const blank = await person.context.newPage();
    const http = await seekToAudio(blank, o.nginxUrl, o.seeks);
    await blank.close();
    seekRows.push({ name: 'nginx over HTTP', p50: percentile(http.ms, 50), p95: percentile(http.ms, 95), stalls: http.stalls, stages: stagesOf(http.trace, http.ms), drops: 0 });
    const median = (xs: number[]) => (xs.length ? mbps(o.size, percentile(xs, 50)) : 0);
    return { product: median(productMs), bare: median(bareMs), rung, rounds: productMs.map((p, i) => [mbps(o.size, p), mbps(o.size, bareMs[i]!)]), seekRows };
  } finally {
    await person.close();
  }
}

/** The Chromium part of the report. */
export function printChromium(c: ChromiumFigures, rounds: number, seeks: number): void {
  if (c.rounds.length) {
    console.log(`\nChromium as the listener (the player path: open-ended ranges through the Service Worker of My library over the direct data channel), median of ${rounds} alternating rounds`);
    console.log(`  My library, direct → Chromium:        ${c.product.toFixed(1)} MB/s (rung ${c.rung})`);
    console.log(`  bare node-datachannel → Chromium:     ${c.bare.toFixed(1)} MB/s (no protocol, 64 KiB messages)`);
    console.log(`  rounds (My library / bare, MB/s):     ${c.rounds.map(([p, b]) => `${p!.toFixed(1)}/${b!.toFixed(1)}`).join('  ')}`);
    console.log(`  direct / bare node-datachannel → Chromium: ${(c.product / c.bare).toFixed(2)} (goal ≥ 0.80)`);
  }
  console.log(`\nseek-to-audio in Chromium, ${seeks} random seeks each (an <audio> element: seek → its clock past the new time)`);
  console.log('path                                    p50 ms   p95 ms   p95 vs nginx');
  const nginx = c.seekRows.at(-1)!;
  for (const r of c.seekRows) {
    const stalls = r.stalls.length ? `   ${r.stalls.length} stalled (no audio in 10 s): ${r.stalls.join('; ')}` : '';
    console.log(`${r.name.padEnd(38)}${r.p50.toFixed(0).padStart(8)}${r.p95.toFixed(0).padStart(9)}${`${(r.p95 / nginx.p95).toFixed(1)}×`.padStart(15)}${stalls}`);
  }
  console.log('  goal: p95 ≤ 250 ms direct, ≤ 400 ms TURN, ≤ 500 ms server relay');
  console.log('\nwhere a seek goes (median ms after the seek; "–": not seen on that path — the relay reads by socket.io, nginx by HTTP)');
  console.log(`path                                  ${STAGES.map((s) => STAGE_NAMES[s].padStart(11)).join('')}   older KiB first   UDP drops`);
  for (const r of c.seekRows) {
    const cell = (v: number | null, width = 11) => (v === null ? '–' : v.toFixed(0)).padStart(width);
    console.log(`${r.name.padEnd(38)}${STAGES.map((s) => cell(r.stages[s])).join('')}${cell(r.stages.oldKiB, 18)}${cell(r.drops, 12)}`);
  }
  console.log('  older KiB first: bytes of older reads that came before the new read\'s first byte; UDP drops: datagrams a full receive buffer dropped in the run\'s namespace during the row (SCTP waits for its retransmission timer on a lost tail)');
}
