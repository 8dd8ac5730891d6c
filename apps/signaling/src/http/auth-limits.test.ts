import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@roomcast/shared';
import { startTestApp } from '../testing/test-app.js';

// Per-address limits key on the real client address: X-Forwarded-For counts only from a proxy
// TRUST_PROXY trusts (here the test client itself, on loopback).
type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let trusting: TestApp;
let distrusting: TestApp;
beforeAll(async () => {
  [trusting, distrusting] = await Promise.all([startTestApp({ AUTH_RATE_LIMIT: '100' }), startTestApp({ AUTH_RATE_LIMIT: '2', TRUST_PROXY: 'false' })]);
});
afterAll(async () => {
  await Promise.all([trusting?.cleanup(), distrusting?.cleanup()]);
});

async function post(app: TestApp, path: string, body: object, from?: string) {
  const res = await fetch(app.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) }, body: JSON.stringify(body) });
  const json = await res.json();
  return { status: res.status, code: json.error?.code as string | undefined, message: json.error?.message as string | undefined, retryAfter: res.headers.get('retry-after'), user: json.user };
}

describe('guests per address', () => {
  it(`creates ${LIMITS.guestsPerIpPerHour} guests an hour from one address, then says when to come back`, async () => {
    for (let i = 0; i < LIMITS.guestsPerIpPerHour; i++) {
      expect((await post(trusting, '/api/auth/guest', { displayName: `G${i}` }, '203.0.113.7')).status).toBe(201);
    }
    const refused = await post(trusting, '/api/auth/guest', { displayName: 'One too many' }, '203.0.113.7');
    expect(refused).toMatchObject({ status: 429, code: 'limit_exceeded', message: expect.stringMatching(/try again in (59|60) minutes/) });
    expect(Number(refused.retryAfter)).toBeGreaterThan(3_500);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3_600);
    // Another client behind the same trusted proxy is another address.
    expect((await post(trusting, '/api/auth/guest', { displayName: 'Neighbour' }, '203.0.113.8')).status).toBe(201);
    // The proxy's own rightmost untrusted hop counts: a client cannot prepend its way out.
    expect((await post(trusting, '/api/auth/guest', { displayName: 'Spoof' }, '198.51.100.1, 203.0.113.7')).code).toBe('limit_exceeded');
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored when TRUST_PROXY is false: every request is the loopback peer', async () => {
    expect((await post(distrusting, '/api/auth/guest', { displayName: 'A' }, '198.51.100.1')).status).toBe(201);
    expect((await post(distrusting, '/api/auth/guest', { displayName: 'B' }, '198.51.100.2')).status).toBe(201);
    const third = await post(distrusting, '/api/auth/guest', { displayName: 'C' }, '198.51.100.3');
    expect(third).toMatchObject({ status: 429, code: 'rate_limited', message: expect.stringMatching(/try again in \d+ seconds?/) });
    expect(Number(third.retryAfter)).toBeGreaterThan(0);
    expect(Number(third.retryAfter)).toBeLessThanOrEqual(60);
  });
});

describe('the first account', () => {
  it('is the only admin when 10 sign-ups race over HTTP (guests before them do not count)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(trusting, '/api/auth/signup', { email: `racer${i}@example.org`, password: `a long pass phrase ${i}`, displayName: `Racer ${i}` }, `192.0.2.${i + 1}`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(answers.filter((a) => a.user.role === 'admin')).toHaveLength(1);
    expect(await trusting.db.users.count({ role: 'admin' })).toBe(1);
  });
});
