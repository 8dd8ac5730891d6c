import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@roomcast/shared';
import { Client, startTestApp } from '../testing/test-app.js';
import { originAllowed } from './origin.js';

// Cookie-authenticated writes and the socket.io handshake refuse pages from foreign origins;
// same-origin pages, listed origins (ALLOWED_ORIGINS) and non-browser clients (no Origin) pass.
type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let sameOrigin: TestApp;
let listed: TestApp;
beforeAll(async () => {
  [sameOrigin, listed] = await Promise.all([startTestApp(), startTestApp({ ALLOWED_ORIGINS: 'https://app.example.org, http://localhost:5173', TRUST_PROXY: 'false' })]);
});
afterAll(async () => {
  await Promise.all([sameOrigin?.cleanup(), listed?.cleanup()]);
});

const guest = (app: TestApp, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"displayName":"Guest"}' }).then(async (r) => ({ status: r.status, code: (await r.json()).error?.code, cookie: r.headers.get('set-cookie')?.split(';')[0] }));

/** Resolves 'connected' or the connect_error's message, for a socket from `origin` (or none). */
async function socketFrom(app: TestApp, cookie: string, origin?: string): Promise<string> {
  const socket = io(app.url, {
    transports: ['websocket'],
    auth: { protocolVersion: PROTOCOL_VERSION },
    extraHeaders: { cookie, ...(origin ? { origin } : {}) },
    reconnection: false,
  });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
    });
  } finally {
    socket.close();
  }
}

describe('same origin only (the default)', () => {
  it('refuses API writes from a foreign origin with 403 forbidden, before anything else', async () => {
    expect(await guest(sameOrigin, { origin: 'https://evil.example' })).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await guest(sameOrigin, { origin: 'null' })).toMatchObject({ status: 403, code: 'forbidden' });
    // Another port on the same host is another origin.
    expect(await guest(sameOrigin, { origin: sameOrigin.url.replace(/:\d+$/, ':1') })).toMatchObject({ status: 403 });
    const c = new Client(sameOrigin.url);
    await c.call('POST', '/api/auth/guest', { displayName: 'Victim' });
    const del = await fetch(`${sameOrigin.url}/api/auth/signout`, { method: 'POST', headers: { cookie: c.cookie, origin: 'https://evil.example' } });
    expect(del.status).toBe(403);
    expect((await c.call('GET', '/api/auth/me')).status).toBe(200); // still signed in
  });

  it('lets the same origin, and clients that send no Origin, write', async () => {
    expect(await guest(sameOrigin, { origin: sameOrigin.url })).toMatchObject({ status: 201 });
    expect(await guest(sameOrigin)).toMatchObject({ status: 201 });
  });

  it('does not refuse reads from elsewhere (they carry no effect; CORS keeps their answers from the page)', async () => {
    const res = await fetch(`${sameOrigin.url}/api/config`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes the host a trusted proxy forwarded as its own (TRUST_PROXY defaults to loopback)', async () => {
    expect(await guest(sameOrigin, { origin: 'https://roomcast.example', 'x-forwarded-host': 'roomcast.example' })).toMatchObject({ status: 201 });
  });

  it('refuses a socket.io connection from a foreign origin; same origin and no Origin connect', async () => {
    const { cookie } = await guest(sameOrigin);
    expect(await socketFrom(sameOrigin, cookie!, 'https://evil.example')).toMatch(/^refused/);
    expect(await socketFrom(sameOrigin, cookie!, sameOrigin.url)).toBe('connected');
    expect(await socketFrom(sameOrigin, cookie!)).toBe('connected');
  });
});

describe('ALLOWED_ORIGINS', () => {
  it('lets exactly the listed origins write and connect', async () => {
    const ok = await guest(listed, { origin: 'https://app.example.org' });
    expect(ok).toMatchObject({ status: 201 });
    expect(await guest(listed, { origin: 'http://localhost:5173' })).toMatchObject({ status: 201 });
    // The list replaces the same-origin default.
    expect(await guest(listed, { origin: listed.url })).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await guest(listed, { origin: 'https://app.example.org.evil.example' })).toMatchObject({ status: 403 });
    expect(await socketFrom(listed, ok.cookie!, 'https://app.example.org')).toBe('connected');
    expect(await socketFrom(listed, ok.cookie!, 'https://evil.example')).toMatch(/^refused/);
  });
});

describe('originAllowed', () => {
  const req = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;
  it('compares host and port, not the scheme, and normalises default ports and case', () => {
    const policy = { trustProxy: false as const };
    expect(originAllowed(req({ host: 'roomcast.example', origin: 'https://ROOMCAST.example' }), policy)).toBe(true);
    expect(originAllowed(req({ host: 'roomcast.example', origin: 'https://roomcast.example:443' }), policy)).toBe(true);
    expect(originAllowed(req({ host: 'roomcast.example:8443', origin: 'https://roomcast.example' }), policy)).toBe(false);
    expect(originAllowed(req({ host: 'roomcast.example', origin: 'not a url' }), policy)).toBe(false);
    expect(originAllowed(req({ host: 'roomcast.example' }), policy)).toBe(true);
  });

  it('believes X-Forwarded-Host only from a trusted proxy', () => {
    const forwarded = { host: '127.0.0.1:8080', origin: 'https://roomcast.example', 'x-forwarded-host': 'roomcast.example' };
    expect(originAllowed(req(forwarded), { trustProxy: ['loopback'] })).toBe(true);
    expect(originAllowed(req(forwarded), { trustProxy: false })).toBe(false);
    expect(originAllowed(req(forwarded, '203.0.113.9'), { trustProxy: ['loopback'] })).toBe(false);
    expect(originAllowed(req(forwarded, '10.0.0.2'), { trustProxy: ['10.0.0.0/8'] })).toBe(true);
  });
});
