import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { RemoteSfuControl } from './remote-control.js';
import { authorization } from './wire.js';

// The client's own behaviour against a scripted peer (a real ws server on loopback), for the
// cases a healthy SFU never produces: silence, a dropped connection, answers that break the schema.

const secret = 'a-secret-of-some-length';
let wss: WebSocketServer | undefined;
let client: RemoteSfuControl | undefined;

async function scripted(onMessage: (ws: WebSocket, request: { id: number; method: string }) => void): Promise<string> {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: ({ req }: { req: import('node:http').IncomingMessage }) => req.headers.authorization === authorization(secret) });
  await once(wss, 'listening');
  wss.on('connection', (ws) => ws.on('message', (data) => onMessage(ws, JSON.parse(String(data)))));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await client?.close();
  await new Promise((resolve) => (wss ? wss.close(resolve) : resolve(undefined)));
  client = wss = undefined;
});

describe('RemoteSfuControl', () => {
  it('fails a request that is not answered in time with unavailable, and later answers are ignored', async () => {
    let heard: (ws: WebSocket) => void = () => undefined;
    // The peer holds the request without answering; on a busy machine the client may give up
    // before the peer has even read it, so the late answer waits for the request to arrive.
    const received = new Promise<WebSocket>((resolve) => (heard = resolve));
    const url = await scripted((ws) => heard(ws));
    client = new RemoteSfuControl({ url, secret, requestTimeoutMs: 150 });
    await client.ready();
    await expect(client.request('server.health', {})).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('150 ms') });
    (await received).send(JSON.stringify({ id: 1, result: { configured: 1, running: 1, degraded: false } }));
    expect(client.connected).toBe(true);
  });

  it('fails requests in flight with unavailable the moment the connection drops, then redials', async () => {
    let connections = 0;
    const url = await scripted((ws, request) => {
      if (++connections === 1) ws.terminate();
      else ws.send(JSON.stringify({ id: request.id, result: { configured: 2, running: 2, degraded: false } }));
    });
    client = new RemoteSfuControl({ url, secret, requestTimeoutMs: 10_000, backoff: { minMs: 10, maxMs: 50 } });
    await client.ready();
    const started = Date.now();
    await expect(client.request('server.health', {})).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('connection lost') });
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.ready();
    await expect(client.request('server.health', {})).resolves.toEqual({ configured: 2, running: 2, degraded: false });
  });

  it('rejects an answer that breaks the method’s schema, and drops an event that breaks its own', async () => {
    const url = await scripted((ws, request) => {
      ws.send(JSON.stringify({ event: 'activeSpeaker', payload: { roomId: 'r', peerId: 'not an id!' } }));
      ws.send(JSON.stringify({ event: 'activeSpeaker', payload: { roomId: 'r', peerId: 'p1' } }));
      ws.send(JSON.stringify({ id: request.id, result: { configured: 'two' } }));
    });
    client = new RemoteSfuControl({ url, secret });
    const speakers: unknown[] = [];
    client.on('activeSpeaker', (e) => speakers.push(e));
    await expect(client.request('server.health', {})).rejects.toMatchObject({ code: 'internal' });
    expect(speakers).toEqual([{ roomId: 'r', peerId: 'p1' }]);
  });

  it('checks params before sending, and fails fast once closed', async () => {
    const seen: unknown[] = [];
    const url = await scripted((_ws, request) => seen.push(request));
    client = new RemoteSfuControl({ url, secret });
    await expect(client.request('room.open', { roomId: '../etc' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(client.request('consumer.create' as never, {} as never)).rejects.toMatchObject({ code: 'unknown_event' });
    await client.close();
    await expect(client.request('server.health', {})).rejects.toMatchObject({ code: 'unavailable' });
    expect(seen).toEqual([]);
  });
});
