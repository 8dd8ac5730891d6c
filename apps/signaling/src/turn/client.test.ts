import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnClient } from './client.js';
import { probeTurnUrl } from './self-test.js';
import { Attr, Class, decode, encode, Method, xorAddress, type StunMessage } from './stun.js';

// Every step of the TURN self-test is bounded and no listener can throw: hostile or silent
// servers on loopback (and names under .invalid, which never resolve) end each probe with an
// error within its budget. The budgets are short and injected; nothing sleeps.
const BUDGET_MS = 400;
/** Slack for a loaded two-core machine: the probe must end well before a second budget passes. */
const SLACK_MS = 1_500;
const creds = { username: '1:test', credential: 'x' };
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

/** A UDP server that reads everything and answers nothing. */
async function silentUdp(): Promise<{ port: number; received: () => number }> {
  const socket = dgram.createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  closers.push(() => socket.close());
  return { port: socket.address().port, received: () => received };
}

/** A TCP server that accepts and then never says a word (nor closes). */
async function silentTcp(): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => sockets.size };
}

/**
 * A UDP "TURN server" that allocates without credentials and permits anything, then answers every
 * Send indication with `reply` — a Data indication of the test's choosing.
 */
async function scriptedTurn(reply: (tid: Buffer) => StunMessage['attrs']): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (buf, from) => {
    const m = decode(buf);
    if (!m) return;
    const answer = (attrs: StunMessage['attrs']) => socket.send(encode({ method: m.method, cls: Class.Success, transactionId: m.transactionId, attrs }), from.port, from.address);
    if (m.method === Method.Allocate) answer([{ type: Attr.XorRelayedAddress, value: xorAddress({ ip: '127.0.0.1', port: from.port + 1 }, m.transactionId) }]);
    else if (m.method === Method.CreatePermission || m.method === Method.Refresh) answer([]);
    else if (m.method === Method.Send && m.cls === Class.Indication) {
      const tid = Buffer.alloc(12, 7);
      socket.send(encode({ method: Method.Data, cls: Class.Indication, transactionId: tid, attrs: reply(tid) }), from.port, from.address);
    }
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  closers.push(() => socket.close());
  return socket.address().port;
}

describe('TURN self-test: every wait is bounded', () => {
  it('fails at once for a host under .invalid, over UDP, TCP and TLS, without asking a resolver', async () => {
    let asked = 0;
    const lookup = async () => {
      asked++;
      return '127.0.0.1';
    };
    for (const url of ['turn:relay.roomcast.invalid:3478?transport=udp', 'turn:relay.roomcast.invalid:3478?transport=tcp', 'turns:relay.roomcast.invalid:5349']) {
      const { value, ms } = await timed(probeTurnUrl(url, creds, { timeoutMs: BUDGET_MS, lookup }));
      expect(value).toMatchObject({ url, ok: false, error: expect.stringMatching(/cannot resolve relay\.roomcast\.invalid/) });
      expect(ms).toBeLessThan(BUDGET_MS);
    }
    expect(asked).toBe(0);
  });

  it('gives up on a resolver that never answers once the budget is spent', async () => {
    const { value, ms } = await timed(probeTurnUrl('turn:turn.example.org:3478', creds, { timeoutMs: BUDGET_MS, lookup: () => new Promise<never>(() => undefined) }));
    expect(value).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS - 5);
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
  });

  it('reports a resolver failure in words', async () => {
    const lookup = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    const { value } = await timed(probeTurnUrl('turn:turn.example.org:3478', creds, { timeoutMs: BUDGET_MS, lookup }));
    expect(value).toMatchObject({ ok: false, error: 'cannot resolve turn.example.org (ENOTFOUND)' });
  });

  it('times out on a UDP server that never answers', async () => {
    const server = await silentUdp();
    const { value, ms } = await timed(probeTurnUrl(`turn:127.0.0.1:${server.port}?transport=udp`, creds, { timeoutMs: BUDGET_MS }));
    expect(value).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
    expect(server.received()).toBeGreaterThan(0); // it did ask (and retransmitted), it was just never answered
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
  });

  it('times out on a TCP server that accepts and never answers', async () => {
    const server = await silentTcp();
    const { value, ms } = await timed(probeTurnUrl(`turn:127.0.0.1:${server.port}?transport=tcp`, creds, { timeoutMs: BUDGET_MS }));
    expect(value).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
    expect(server.connections()).toBeGreaterThan(0);
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
  });

  it('times out on a TLS handshake the server never completes', async () => {
    const server = await silentTcp();
    const { value, ms } = await timed(probeTurnUrl(`turns:127.0.0.1:${server.port}?transport=tcp`, creds, { timeoutMs: BUDGET_MS }));
    expect(value).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
  });

  it('bounds a client connect on its own, without a probe around it', async () => {
    const server = await silentTcp();
    const { value: error, ms } = await timed(TurnClient.connect(`turns:127.0.0.1:${server.port}`, { timeoutMs: BUDGET_MS }).then(() => null, (e: Error) => e));
    expect(error?.message).toMatch(/timed out connecting/);
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
  });
});

describe('TURN client: hostile answers become failed probes, never thrown listeners', () => {
  it('fails the probe when a Data indication carries a malformed peer address', async () => {
    const port = await scriptedTurn(() => [
      { type: Attr.XorPeerAddress, value: Buffer.from([0]) },
      { type: Attr.Data, value: Buffer.from('x') },
    ]);
    const { value, ms } = await timed(probeTurnUrl(`turn:127.0.0.1:${port}?transport=udp`, creds, { timeoutMs: BUDGET_MS * 5 }));
    expect(value).toMatchObject({ ok: false, error: expect.stringMatching(/malformed XOR address/) });
    expect(ms).toBeLessThan(BUDGET_MS * 5); // failed on the message, not on the budget
  });

  it('turns an onData handler that throws into a failed client', async () => {
    const port = await scriptedTurn((tid) => [
      { type: Attr.XorPeerAddress, value: xorAddress({ ip: '127.0.0.1', port: 9 }, tid) },
      { type: Attr.Data, value: Buffer.from('x') },
    ]);
    const client = await TurnClient.connect(`turn:127.0.0.1:${port}?transport=udp`, { timeoutMs: BUDGET_MS });
    closers.push(() => client.close());
    const relayed = await client.allocate();
    client.onData = () => {
      throw new Error('handler bug');
    };
    const failure = new Promise<Error>((resolve) => (client.onFailure = resolve));
    client.send(relayed, Buffer.from('ping'));
    expect((await failure).message).toBe('handler bug');
    await expect(client.createPermission('127.0.0.1')).rejects.toThrow('handler bug');
    client.send(relayed, Buffer.from('after the failure')); // a no-op, not a throw
  });

  it('survives sends after close', async () => {
    const server = await silentUdp();
    const client = await TurnClient.connect(`turn:127.0.0.1:${server.port}?transport=udp`, { timeoutMs: BUDGET_MS });
    await client.close();
    expect(() => client.send({ ip: '127.0.0.1', port: 9 }, Buffer.from('late'))).not.toThrow();
    await expect(client.allocate()).rejects.toThrow('client closed');
  });
});
