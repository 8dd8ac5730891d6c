import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomcastError } from '@roomcast/shared';
import { apiGuards } from './body.js';
import { errorHandler } from './errors.js';
import { RefusalSampler } from './refusal-log.js';

function capture() {
  const lines: { msg: string; kind?: string; suppressed?: Record<string, number>; total?: number }[] = [];
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, bytes: () => bytes, log: pino({ level: 'info' }, stream) };
}

describe('RefusalSampler', () => {
  it('logs a sample of each kind per window and sums up the rest when the window closes', () => {
    const { lines, log } = capture();
    let now = 1_000_000;
    const refusals = new RefusalSampler(log, 'request refused', { windowMs: 60_000, samplesPerWindow: 3, now: () => now });
    for (let i = 0; i < 1_000; i++) refusals.refused('bad_request', { i });
    for (let i = 0; i < 2; i++) refusals.refused('forbidden', { i });
    expect(lines.map((l) => l.kind)).toEqual(['bad_request', 'bad_request', 'bad_request', 'forbidden', 'forbidden']);

    now += 60_000; // next window: the summary of the last one comes first, then a fresh sample
    refusals.refused('bad_request', { i: 'next' });
    expect(lines.slice(5)).toMatchObject([
      { msg: 'request refused: 997 more not logged', suppressed: { bad_request: 997 }, total: 997 },
      { msg: 'request refused', kind: 'bad_request' },
    ]);
    refusals.flush();
    expect(lines).toHaveLength(7); // nothing suppressed in this window: no summary
  });
});

describe('refused HTTP requests', () => {
  const { lines, bytes, log } = capture();
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const web = express();
    web.use('/api', ...apiGuards({ trustProxy: false }));
    web.post('/api/thing', () => {
      throw new RoomcastError('forbidden', 'no');
    });
    web.use(errorHandler(log));
    server = http.createServer(web).listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('5,000 refusals write a handful of lines, not one each', async () => {
    const kinds = [
      { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' },
      { headers: { 'content-type': 'text/plain' }, body: 'x' },
      { headers: { 'content-type': 'application/json' }, body: '{' },
      { headers: { 'content-type': 'application/json' }, body: '{}' },
      { headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' },
    ];
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const kind = kinds[(batch * 100 + i) % kinds.length]!;
          return fetch(`${base}/api/thing`, { method: 'POST', ...kind }).then(async (r) => (await r.arrayBuffer(), r.status));
        }),
      );
      for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    // 400 bad gzip + 400 bad JSON, 415, 403 ×2 (route and origin): all refused, none a 500.
    expect(Object.fromEntries(statuses)).toEqual({ 400: 2_000, 415: 1_000, 403: 2_000 });
    const refused = lines.filter((l) => l.msg === 'request refused');
    expect(refused.length).toBeLessThanOrEqual(5 * 3); // five samples of each of the three codes
    expect(bytes()).toBeLessThan(10_000); // was ~1.6 MB for 5,000 refusals
  });
});
