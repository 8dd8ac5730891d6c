import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { JsonBlob, SfuEvents } from '@roomcast/shared';
import { RemoteSfuControl } from './remote/remote-control.js';
import { authorization } from './remote/wire.js';
import { listen, speak } from './testing/fixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const secret = randomBytes(24).toString('base64url');

interface SfuNode {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
}

/** Runs apps/sfu/src/main.ts as its own process, as an operator would, and waits until it listens. */
async function startNode(env: Record<string, string>): Promise<SfuNode> {
  const child = spawn(process.execPath, ['--conditions=roomcast-source', '--import', 'tsx', 'apps/sfu/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN, SFU_WORKERS: '1', SFU_PORT: '0', SFU_LISTEN_IP: '127.0.0.1', SFU_CONTROL_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  readline.createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const url = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'sfu control channel listening') resolve(entry.url!);
    });
    void exited.then((code) => reject(new Error(`sfu exited with ${code}: ${output.join('\n')}`)));
  });
  const timeout = AbortSignal.timeout(30_000);
  return { child, output, exited, url: await Promise.race([url, once(timeout, 'abort').then(() => Promise.reject(new Error('sfu did not start')))]) };
}

/** A bare client on the channel, to send what RemoteSfuControl would never send. */
async function rawClient(url: string): Promise<{ ws: WebSocket; next: () => Promise<unknown> }> {
  const ws = new WebSocket(url, { headers: { authorization: authorization(secret) } });
  await once(ws, 'open');
  const queue: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { event?: string };
    if (message.event) return;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return { ws, next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))) };
}

describe('the SFU run on its own (main.ts)', () => {
  it('refuses to start without a control secret, saying which variable to set', async () => {
    const child = spawn(process.execPath, ['--conditions=roomcast-source', '--import', 'tsx', 'apps/sfu/src/main.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, SFU_WORKERS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('SFU_CONTROL_SECRET');
    expect(stderr).not.toContain('    at '); // a message, not a stack
  });

  describe('driven through RemoteSfuControl', () => {
    let node: SfuNode;
    let sfu: RemoteSfuControl;

    beforeAll(async () => {
      node = await startNode({ SFU_CONTROL_SECRET: secret, SFU_DRAIN_TIMEOUT_MS: '300' });
      sfu = new RemoteSfuControl({ url: node.url, secret, backoff: { minMs: 20, maxMs: 200 } });
      await sfu.ready();
    });
    afterAll(async () => {
      await sfu?.close();
      node?.child.kill('SIGKILL');
    });

    it('refuses a wrong secret before the upgrade', async () => {
      const intruder = new RemoteSfuControl({ url: node.url, secret: 'not-the-secret-at-all', backoff: { minMs: 1000, maxMs: 1000 } });
      // Sent while the first attempt is under way: it fails when that attempt is refused.
      await expect(intruder.request('server.health', {})).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('401') });
      expect(intruder.connected).toBe(false);
      await intruder.close();
    });

    it('opens rooms, creates transports and consumers, and pushes events', async () => {
      const { rtpCapabilities } = await sfu.request('room.open', { roomId: 'remote' });
      expect(await sfu.request('server.health', {})).toEqual({ configured: 1, running: 1, degraded: false });
      const { producerId } = await speak(sfu, 'remote', 'alice');
      await listen(sfu, 'remote', 'bob', rtpCapabilities as JsonBlob);
      const { consumers } = await sfu.request('consumer.createMany', { roomId: 'remote', peerId: 'bob', producerIds: [producerId] });
      expect(consumers).toEqual([expect.objectContaining({ producerId, peerId: 'alice', kind: 'audio' })]);
      await sfu.request('consumer.resumeMany', { roomId: 'remote', peerId: 'bob', consumerIds: [consumers[0]!.consumerId] });

      const events: [string, unknown][] = [];
      const both = new Promise<void>((resolve) => {
        const record = (name: string) => (e: unknown) => {
          events.push([name, e]);
          if (events.length === 2) resolve();
        };
        sfu.on('producerClosed', record('producerClosed'));
        sfu.on('consumerClosed', record('consumerClosed'));
      });
      await sfu.request('producer.close', { roomId: 'remote', peerId: 'alice', producerId });
      await both;
      expect(Object.fromEntries(events)).toEqual({
        producerClosed: { roomId: 'remote', peerId: 'alice', producerId },
        consumerClosed: { roomId: 'remote', peerId: 'bob', consumerId: consumers[0]!.consumerId },
      });
      // Errors keep their code across the channel.
      await expect(sfu.request('transport.create', { roomId: 'not-open', peerId: 'a', direction: 'send' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('answers bad params with bad_request and unknown methods with unknown_event; drops malformed or oversized frames', async () => {
      await expect(sfu.request('transport.create', { roomId: 'remote', peerId: 'a', direction: 'up' as never })).rejects.toMatchObject({ code: 'bad_request' });
      // The same, bypassing the client's own check: the node validates too.
      const { ws, next } = await rawClient(node.url);
      ws.send(JSON.stringify({ id: 1, method: 'transport.create', params: { roomId: 'remote', peerId: 'a', direction: 'up' } }));
      expect(await next()).toMatchObject({ id: 1, error: { code: 'bad_request', issues: [{ path: 'direction' }] } });
      const deep = `${'{"a":'.repeat(5000)}{}${'}'.repeat(5000)}`;
      ws.send(`{"id":2,"method":"transport.connect","params":{"roomId":"remote","peerId":"a","transportId":"t","dtlsParameters":${deep}}}`);
      expect(await next()).toMatchObject({ id: 2, error: { code: 'bad_request' } });
      ws.send(JSON.stringify({ id: 3, method: 'consumer.create', params: {} }));
      expect(await next()).toMatchObject({ id: 3, error: { code: 'unknown_event' } });
      ws.send('x'.repeat(2 * 1024 * 1024));
      const [code] = await once(ws, 'close');
      expect(code).toBe(1009);
      const again = await rawClient(node.url);
      again.ws.send('{not json');
      expect((await once(again.ws, 'close'))[0]).toBe(1007);
      // The node is unharmed.
      expect(await sfu.request('server.health', {})).toMatchObject({ running: 1 });
    });

    it('never logs the secret', () => {
      expect(node.output.join('\n')).not.toContain(secret);
    });

    it('drains on SIGTERM: rooms are reset, requests fail with unavailable, it exits 0; a new node is found again', async () => {
      const resets: SfuEvents['roomReset'][] = [];
      sfu.on('roomReset', (e) => resets.push(e));
      node.child.kill('SIGTERM');
      expect(await node.exited).toBe(0);
      expect(resets).toEqual([{ roomId: 'remote', reason: 'media server shutting down' }]);
      await expect(sfu.request('server.health', {})).rejects.toMatchObject({ code: 'unavailable' });

      // The same client redials by itself once a node listens at that address again.
      const port = new URL(node.url).port;
      node = await startNode({ SFU_CONTROL_SECRET: secret, SFU_CONTROL_PORT: port, SFU_DRAIN_TIMEOUT_MS: '0' });
      await sfu.ready(10_000);
      await expect(sfu.request('room.open', { roomId: 'again' })).resolves.toMatchObject({ rtpCapabilities: expect.any(Object) });
      node.child.kill('SIGTERM');
      expect(await node.exited).toBe(0);
    });
  });
});
