// Sign-in under load: HTTP throughput and latency of POST /api/auth/signin on the real server
// (argon2id at the product's parameters, autocannon), then the cost of one argon2id verify at
// the product's parameters beside OWASP's recommended minimum, measured the same way in-process.
//
//   pnpm bench:signin [seconds=10] [connections=8]
import os from 'node:os';
import argon2, { type HashOptions } from 'argon2';
import autocannon from 'autocannon';
import { startRoomcast } from '@roomcast/e2e/harness/roomcast.js';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 8);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

interface ParameterSet {
  name: string;
  options: HashOptions & { raw?: false };
}

/** The product hashes with the argon2 library's defaults (apps/signaling/src/auth/passwords.ts). */
const PRODUCT: ParameterSet = { name: 'Roomcast (64 MiB, t=3, p=4)', options: { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 } };
/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, t=2, p=1. */
const OWASP: ParameterSet = { name: 'OWASP minimum (19 MiB, t=2, p=1)', options: { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } };

async function overHttp(): Promise<void> {
  const server = await startRoomcast({ env: { AUTH_RATE_LIMIT: '1000000', SIGNIN_FAILURES_PER_IP_PER_HOUR: '1000000' } });
  try {
    const creds = { email: 'bench@example.org', password: 'correct horse battery staple', displayName: 'Bench' };
    const signup = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) });
    if (!signup.ok) throw new Error(`sign-up failed: ${signup.status}`);
    const times: number[] = [];
    const statuses = new Map<number, number>();
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url: `${server.url}/api/auth/signin`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: creds.email, password: creds.password }), connections, duration: seconds },
        (error, done) => (error ? reject(error) : resolve(done)),
      );
      instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
        times.push(responseTime);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
    });
    times.sort((a, b) => a - b);
    console.log(`POST /api/auth/signin, ${connections} connections for ${seconds} s (autocannon), ${PRODUCT.name}:`);
    console.log(`  ${(result.requests.total / seconds).toFixed(1)} sign-ins/s; latency p50 ${fmt(percentile(times, 50))}  p95 ${fmt(percentile(times, 95))}  p99 ${fmt(percentile(times, 99))}`);
    console.log(`  answers: ${[...statuses].map(([s, n]) => `${n}× ${s}`).join(', ')}`);
  } finally {
    await server.stop();
  }
}

/** One verify at a time (latency), then `connections` at once for the same time (throughput). */
async function verifyCost(set: ParameterSet): Promise<{ p50: number; p95: number; perSecond: number }> {
  const hash = await argon2.hash('correct horse battery staple', set.options);
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await argon2.verify(hash, 'correct horse battery staple');
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  let done = 0;
  const until = performance.now() + Math.min(seconds, 5) * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      await argon2.verify(hash, 'correct horse battery staple');
      done++;
    }
  }));
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), perSecond: done / Math.min(seconds, 5) };
}

console.log(`${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
await overHttp();
console.log('argon2id verify, in-process (20 one at a time, then', connections, 'at once):');
const costs = [];
for (const set of [PRODUCT, OWASP]) {
  const cost = await verifyCost(set);
  costs.push(cost);
  console.log(`  ${set.name.padEnd(34)} p50 ${fmt(cost.p50)}  p95 ${fmt(cost.p95)}  ${cost.perSecond.toFixed(1)} verifies/s`);
}
console.log(`  ratio: the product's parameters cost ${(costs[0]!.p50 / costs[1]!.p50).toFixed(1)}× the OWASP minimum per verify`);
