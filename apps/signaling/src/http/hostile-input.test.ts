import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, LIMITS } from '@roomcast/shared';
import { ask, Client, startTestApp } from '../testing/test-app.js';

// Bodies a hostile or broken client sends get a typed 4xx, never a 500 or a crash, on the real
// app (body-parser, the API guards and the error handler as mounted in app.ts).
let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp({ AUTH_RATE_LIMIT: '1000' });
});
afterAll(async () => app?.cleanup());

async function post(path: string, body: BodyInit, headers: Record<string, string>): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const res = await fetch(app.url + path, { method: 'POST', body, headers });
  const text = await res.text();
  const parsed = HttpError.safeParse(text ? JSON.parse(text) : null);
  return { status: res.status, code: parsed.data?.error.code, message: parsed.data?.error.message };
}
const json = { 'content-type': 'application/json' };
const guest = JSON.stringify({ displayName: 'Gzip Guest' });

/** `[[[…1…]]]` n levels deep, built as text (no recursion on this side either). */
const deepArray = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;

describe('HTTP bodies', () => {
  it('reads a real gzip or brotli body', async () => {
    expect((await post('/api/auth/guest', gzipSync(guest), { ...json, 'content-encoding': 'gzip' })).status).toBe(201);
    expect((await post('/api/auth/guest', brotliCompressSync(guest), { ...json, 'content-encoding': 'br' })).status).toBe(201);
  });

  it('answers 400 bad_request for a body that says gzip and is not', async () => {
    expect(await post('/api/auth/guest', guest, { ...json, 'content-encoding': 'gzip' })).toMatchObject({ status: 400, code: 'bad_request', message: expect.stringMatching(/Content-Encoding/) });
    expect(await post('/api/auth/guest', 'garbage', { ...json, 'content-encoding': 'deflate' })).toMatchObject({ status: 400, code: 'bad_request' });
    // A truncated gzip stream, too.
    expect(await post('/api/auth/guest', gzipSync(guest).subarray(0, 12), { ...json, 'content-encoding': 'gzip' })).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('answers 415 unsupported_media_type for an encoding, a charset or a content type it does not read', async () => {
    expect(await post('/api/auth/guest', guest, { ...json, 'content-encoding': 'compress' })).toMatchObject({ status: 415, code: 'unsupported_media_type', message: expect.stringMatching(/"compress"/) });
    expect(await post('/api/auth/guest', guest, { 'content-type': 'application/json; charset=latin1' })).toMatchObject({ status: 415, code: 'unsupported_media_type', message: expect.stringMatching(/UTF-8/) });
    expect(await post('/api/auth/guest', guest, { 'content-type': 'text/plain' })).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(await post('/api/auth/guest', 'displayName=x', { 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    // No body at all needs no content type.
    const c = new Client(app.url);
    await c.call('POST', '/api/auth/guest', { displayName: 'Leaving' });
    const out = await fetch(`${app.url}/api/auth/signout`, { method: 'POST', headers: { cookie: c.cookie } });
    expect(out.status).toBe(204);
  });

  it('answers 413 payload_too_large for a large body, compressed or not', async () => {
    const big = JSON.stringify({ displayName: 'x'.repeat(LIMITS.httpBodyBytes) });
    expect(await post('/api/auth/guest', big, json)).toMatchObject({ status: 413, code: 'payload_too_large' });
    // 10 MB of zeros gzip to ~10 kB: the limit applies to what it inflates to.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"displayName":"'), Buffer.alloc(10_000_000, 0x30), Buffer.from('"}')]));
    expect(bomb.length).toBeLessThan(LIMITS.httpBodyBytes);
    expect(await post('/api/auth/guest', bomb, { ...json, 'content-encoding': 'gzip' })).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('answers 400 bad_request for malformed JSON and for JSON nested 5,000 levels deep', async () => {
    expect(await post('/api/auth/guest', '{"displayName":', json)).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await post('/api/auth/guest', `{"displayName":${deepArray(5_000)}}`, json)).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await post('/api/auth/guest', deepArray(30_000), json)).toMatchObject({ status: 400, code: 'bad_request' });
    // Still serving afterwards.
    expect((await post('/api/auth/guest', guest, json)).status).toBe(201);
  });
});

describe('socket.io requests with opaque JSON', () => {
  // socket.io-client cannot even encode such a value (its recursive binary check overflows), so
  // the packet is written to the connection as text, as a hostile client would: EVENT with ack id.
  function rawRequest(socket: Awaited<ReturnType<Client['socket']>>, ackId: number, event: string, payloadJson: string): Promise<unknown> {
    const engine = socket.io.engine;
    return new Promise((resolve) => {
      const onMessage = (data: unknown) => {
        const text = String(data);
        if (!text.startsWith(`3${ackId}[`)) return;
        engine.off('message', onMessage);
        resolve((JSON.parse(text.slice(String(ackId).length + 1)) as unknown[])[0]);
      };
      engine.on('message', onMessage);
      engine.write(`2${ackId}[${JSON.stringify(event)},${payloadJson}]`);
    });
  }

  it('refuses sfu:produce with RTP parameters nested 5,000 levels deep as bad_request', async () => {
    const c = new Client(app.url);
    const signedUp = await c.call('POST', '/api/auth/signup', { email: 'deep@example.org', password: 'nested levels of trouble', displayName: 'Deep' });
    expect(signedUp.status, JSON.stringify(signedUp.json)).toBe(201);
    const room = await c.call('POST', '/api/rooms', { name: 'Deep' });
    const socket = await c.socket();
    try {
      // In a voice room, so the request passes the room-kind rules and reaches its schema.
      expect((await ask(socket, 'room:join', { roomId: room.json.room.id })).ok).toBe(true);
      const deep = `${'{"codecs":['.repeat(5_000)}{"mid":"0"}${']}'.repeat(5_000)}`;
      expect(deep.length).toBeLessThan(LIMITS.socketMessageBytes);
      const answer = await rawRequest(socket, 9001, 'sfu:produce', `{"transportId":"t","kind":"audio","rtpParameters":${deep}}`);
      expect(answer).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [expect.objectContaining({ path: 'rtpParameters', message: expect.stringMatching(/nested deeper than/) })] } });
      // The connection survives and still answers.
      const again = await ask(socket, 'sfu:produce', { transportId: 't', kind: 'audio', rtpParameters: { codecs: [] } });
      expect(again.ok).toBe(false);
      expect(again.error.code).not.toBe('bad_request');
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });
});
