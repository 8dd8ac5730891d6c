// A live broadcast outlives a studio that drops for a moment, and ends when it does not come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Timers } from './push-throttle.js';
import { opus } from '../testing/media.js';
import { ask, quickAccount, quickGuest, startTestApp, type Client, type TestSocket } from '../testing/test-app.js';

/** Timers the test fires by hand; `next(ms)` resolves when one of that length is set. */
function handTimers() {
  let seq = 0;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const waiting: { ms: number; resolve: (id: number) => void }[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = ++seq;
      pending.set(id, { fn, ms });
      for (const w of waiting.filter((w) => w.ms === ms)) (waiting.splice(waiting.indexOf(w), 1), w.resolve(id));
      return id;
    },
    clearTimeout: (id) => void pending.delete(id as number),
  };
  return {
    timers,
    next: (ms: number) => new Promise<number>((resolve) => waiting.push({ ms, resolve })),
    isPending: (id: number) => pending.has(id),
    fire: (id: number) => {
      const t = pending.get(id);
      pending.delete(id);
      t?.fn();
    },
  };
}

describe('a broadcast whose studio drops', () => {
  const time = handTimers();
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let dj: Client;
  let roomId: string;
  let listener: TestSocket;

  const studio = async () => {
    const socket = await dj.socket();
    expect((await ask(socket, 'room:join', { roomId })).ok).toBe(true);
    const send = await ask(socket, 'sfu:createTransport', { direction: 'send' });
    const producerId = (await ask(socket, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(4242) })).data.producerId;
    return { socket, producerId };
  };

  beforeAll(async () => {
    app = await startTestApp({ DJ_STUDIO_GRACE_SECONDS: '45' }, { timers: time.timers });
    dj = await quickAccount(app, 'DJ Flaky', 'broadcaster');
    roomId = (await dj.call('PUT', '/api/channels/mine', { handle: 'flaky', title: 'Flaky' })).json.channel.roomId;
    listener = await (await quickGuest(app, 'Loyal')).socket();
    expect((await ask(listener, 'room:join', { roomId })).ok).toBe(true);
  });
  afterAll(async () => {
    listener?.disconnect();
    await app?.cleanup();
  });

  it('stays live while the studio comes back within the grace period', async () => {
    const first = await studio();
    const started = await ask(first.socket, 'dj:goLive', { producerId: first.producerId });
    expect(started.ok).toBe(true);
    const grace = time.next(45_000);
    first.socket.disconnect();
    const timer = await grace;
    const again = await studio();
    expect(time.isPending(timer)).toBe(false);
    const state = await ask(listener, 'dj:state', {});
    expect(state.data.live).not.toBeNull();
    // The page that came back resumes the same broadcast with its new producer, and only its own.
    expect((await ask(again.socket, 'dj:resume', { producerId: first.producerId })).error.code).toBe('bad_request');
    const resumed = await ask(again.socket, 'dj:resume', { producerId: again.producerId });
    expect(resumed.data).toMatchObject({ id: started.data.id, status: 'live' });
    expect((await ask(listener, 'dj:resume', { producerId: again.producerId })).ok).toBe(false);
    again.socket.disconnect();
  });

  it('ends when the studio does not come back', async () => {
    const grace = time.next(45_000);
    const ended = new Promise<unknown>((resolve) => (listener as unknown as { on(e: string, f: (p: { live: unknown }) => void): void }).on('dj:live', (p) => p.live === null && resolve(p)));
    time.fire(await grace);
    await ended;
    const past = await fetch(`${app.url}/api/channels/flaky/past`).then((r) => r.json());
    expect(past.broadcasts[0]).toMatchObject({ status: 'ended', peakListeners: 1 });
  });
});
