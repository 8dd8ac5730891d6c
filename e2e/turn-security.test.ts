import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTurnUrl, TurnClient, TurnError, turnCredentials } from '@roomcast/signaling/turn';
import { startCoturn, type RunningCoturn } from './harness/coturn.js';
import { freePort } from './harness/ports.js';

/**
 * The production coturn configuration (infra/coturn, no test allowances) against a real
 * TURN client: only fresh credentials signed with a known secret allocate, and no allocation
 * may relay into loopback, private or metadata ranges — IPv4-mapped IPv6 included.
 */
let turn: RunningCoturn;
const clients: TurnClient[] = [];
const previousSecret = 'the-secret-being-rotated-out';

beforeAll(async () => {
  turn = await startCoturn({ listenIps: ['127.0.0.1', '::1'], port: await freePort(), previousSecret, tlsPort: await freePort(), tlsAltPort: await freePort() });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await turn?.stop();
});

const settings = () => ({ urls: turn.urls, secret: turn.secret, ttlSeconds: 600 });
async function client(url: string, creds: { username?: string; credential?: string } = {}, ipv6Relay = false): Promise<TurnClient> {
  const c = await TurnClient.connect(url, { username: creds.username, password: creds.credential, timeoutMs: 3_000, ipv6Relay, ca: turn.ca });
  clients.push(c);
  return c;
}
async function refusal(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (error) {
    if (error instanceof TurnError) return error.code;
    throw error;
  }
  return 0;
}

describe('coturn production config: authentication', () => {
  it('allocates with fresh credentials over UDP, TCP and TLS (turns:)', async () => {
    expect(turn.urls.map((u) => u.split(':')[0])).toEqual(['turn', 'turn', 'turns']);
    for (const url of turn.urls) {
      const relayed = await (await client(url, turnCredentials(settings(), 'alice'))).allocate();
      expect(relayed.ip).toBe('127.0.0.1');
      expect(relayed.port).toBeGreaterThan(0);
    }
  });

  it('also listens for TLS on the alternative port (443 in production)', async () => {
    const alt = turn.urls[2]!.replace(/:(\d+)\?/, `:${turn.tlsAltPort}?`);
    expect((await (await client(alt, turnCredentials(settings(), 'carol'))).allocate()).port).toBeGreaterThan(0);
  });

  it('refuses an Allocate without credentials (401)', async () => {
    expect(await refusal((await client(turn.urls[0]!)).allocate())).toBe(401);
  });

  it('refuses expired credentials (401)', async () => {
    const expired = turnCredentials(settings(), 'alice', Date.now() - 601_000);
    expect(await refusal((await client(turn.urls[0]!, expired)).allocate())).toBe(401);
  });

  it('refuses credentials signed with an unknown secret (401)', async () => {
    const forged = turnCredentials({ ...settings(), secret: 'guessed' }, 'mallory');
    expect(await refusal((await client(turn.urls[1]!, forged)).allocate())).toBe(401);
  });

  it('accepts credentials signed with the previous secret during a rotation', async () => {
    const old = turnCredentials({ ...settings(), secret: previousSecret }, 'bob');
    expect((await (await client(turn.urls[0]!, old)).allocate()).port).toBeGreaterThan(0);
  });
});

describe('coturn production config: peer policy', () => {
  it.each(['127.0.0.1', '10.0.0.1', '169.254.169.254', '192.168.1.1', '100.64.0.1'])('refuses to relay to %s (403)', async (ip) => {
    const c = await client(turn.urls[0]!, turnCredentials(settings(), 'eve'));
    await c.allocate();
    expect(await refusal(c.createPermission(ip))).toBe(403);
  });

  it.each(['::ffff:127.0.0.1', '::1', 'fe80::1', 'fd00::1'])('refuses to relay to %s from an IPv6 relay (403)', async (ip) => {
    const c = await client(turn.urls[0]!, turnCredentials(settings(), 'eve'), true);
    const relayed = await c.allocate();
    expect(relayed.ip).toContain(':');
    expect(await refusal(c.createPermission(ip))).toBe(403);
  });
});

describe('the connectivity self-test against the production config', () => {
  it('reports the relay refusing a loopback peer as 403 on every transport, within its budget', async () => {
    for (const url of turn.urls) {
      const started = performance.now();
      const result = await probeTurnUrl(url, turnCredentials(settings(), 'roomcast-self-test'), { timeoutMs: 3_000, ca: turn.ca });
      expect(result).toMatchObject({ url, ok: false, error: expect.stringMatching(/^403 /) });
      expect(performance.now() - started).toBeLessThan(3_000);
    }
  });
});
