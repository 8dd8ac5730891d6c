import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceConfigResponse, SelfTestResponse } from '@roomcast/shared';
import { checkTurnCredential } from '../auth/turn-credentials.js';
import { Client, startTestApp } from '../testing/test-app.js';

// TURN configured but nothing listening: credentials are still handed out, and the self-test
// says which URL failed and why instead of hanging.
const secret = 'unit-test-secret';
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  app = await startTestApp({
    TURN_URLS: 'turn:127.0.0.1:9?transport=tcp,turn:127.0.0.1:9?transport=udp',
    TURN_SECRET: secret,
    TURN_SECRET_PREVIOUS: 'old-secret',
    TURN_CREDENTIAL_TTL: '300',
    ICE_CONNECT_TIMEOUT_MS: '7000',
    TURN_SELF_TEST: 'false',
  });
});
afterAll(async () => app?.cleanup());

describe('ICE configuration for peer links', () => {
  it('needs a session', async () => {
    expect((await new Client(app.url).call('GET', '/api/ice-servers')).status).toBe(401);
  });

  it('hands a guest short-lived credentials signed with the current secret, UDP URL first', async () => {
    const c = new Client(app.url);
    const guest = await c.call('POST', '/api/auth/guest', { displayName: 'Guest' });
    const res = await c.call('GET', '/api/ice-servers');
    expect(res.status).toBe(200);
    const body = IceConfigResponse.parse(res.json);
    expect(body.ttlSeconds).toBe(300);
    expect(body.connectTimeoutMs).toBe(7000);
    const [server] = body.iceServers;
    expect(server!.urls).toEqual(['turn:127.0.0.1:9?transport=udp', 'turn:127.0.0.1:9?transport=tcp']);
    expect(server!.username).toMatch(new RegExp(`^\\d+:${guest.json.user.id}$`));
    const expiry = Number(server!.username!.split(':')[0]) * 1000;
    expect(expiry - Date.now()).toBeGreaterThan(290_000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(300_000);
    expect(checkTurnCredential({ secret }, server!.username!, server!.credential!)).toBe('valid');
    // Never the secret itself, current or previous.
    expect(JSON.stringify(res.json)).not.toMatch(/unit-test-secret|old-secret/);
  });

  it('reports an unreachable TURN URL as failed, per URL', async () => {
    const c = new Client(app.url);
    await c.call('POST', '/api/auth/guest', { displayName: 'Tester' });
    const res = await c.call('GET', '/api/connectivity/self-test');
    const body = SelfTestResponse.parse(res.json);
    expect(body.configured).toBe(true);
    expect(body.ok).toBe(false);
    expect(body.results.map((r) => [r.url, r.ok])).toEqual([
      ['turn:127.0.0.1:9?transport=udp', false],
      ['turn:127.0.0.1:9?transport=tcp', false],
    ]);
    expect(body.results.every((r) => r.error)).toBe(true);
  });
});
