// A DJ room on a real app and SFU, driven over socket.io: going live, counts, likes, chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DjState, type DjCounts } from '@roomcast/shared';
import { opus } from '../testing/media.js';
import { ask, quickAccount, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Resolves with the first push of `event` that passes `match` (pushes seen before count too). */
function recorder<T>(socket: TestSocket, event: string) {
  const seen: { at: number; payload: T }[] = [];
  const waiters = new Set<{ match: (p: T) => boolean; resolve: (p: T) => void }>();
  (socket as unknown as { on(e: string, f: (p: T) => void): void }).on(event, (payload) => {
    seen.push({ at: Date.now(), payload });
    for (const w of waiters) if (w.match(payload)) (waiters.delete(w), w.resolve(payload));
  });
  return {
    seen,
    next: (match: (p: T) => boolean) =>
      new Promise<T>((resolve, reject) => {
        const hit = seen.find((s) => match(s.payload));
        if (hit) return resolve(hit.payload);
        const timer = setTimeout(() => reject(new Error(`no ${event} matching; saw ${JSON.stringify(seen.map((s) => s.payload))}`)), 10_000);
        waiters.add({ match, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      }),
  };
}

describe('a live DJ room', () => {
  let app: TestApp;
  let studio: TestSocket;
  let roomId: string;
  let producerId: string;
  const listeners: { socket: TestSocket; userId: string }[] = [];
  let counts: ReturnType<typeof recorder<DjCounts>>;

  const join = async (socket: TestSocket) => {
    const joined = await ask(socket, 'room:join', { roomId });
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    return joined.data;
  };

  beforeAll(async () => {
    app = await startTestApp();
    const dj = await quickAccount(app, 'DJ Ada', 'broadcaster');
    roomId = (await dj.call('PUT', '/api/channels/mine', { handle: 'ada', title: 'Ada live' })).json.channel.roomId;
    studio = await dj.socket();
    counts = recorder<DjCounts>(studio, 'dj:counts');
    await join(studio);
    const send = await ask(studio, 'sfu:createTransport', { direction: 'send' });
    producerId = (await ask(studio, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(1111) })).data.producerId;
  });
  afterAll(async () => {
    studio?.disconnect();
    for (const l of listeners) l.socket.disconnect();
    await app?.cleanup();
  });

  it('keeps the studio to itself and refuses likes and chat before the broadcast', async () => {
    const client = await quickGuest(app, 'Early');
    const socket = await client.socket();
    const self = (await join(socket)).self;
    listeners.push({ socket, userId: self.userId });
    const goLive = await ask(socket, 'dj:goLive', { producerId });
    expect(goLive.error.code).toBe('forbidden');
    expect((await ask(socket, 'dj:like', {})).error.code).toBe('conflict');
    expect((await ask(socket, 'dj:chat', { text: 'hi' })).error.code).toBe('conflict');
    const state = DjState.parse((await ask(socket, 'dj:state', {})).data);
    expect(state).toMatchObject({ live: null, audio: { bitrateKbps: 128 } });
    expect(state.chatDataProducerId).toBeTruthy();
  });

  it('goes live with its producer; listeners already there hear it by a push', async () => {
    const live = recorder<{ live: unknown }>(listeners[0]!.socket, 'dj:live');
    expect((await ask(studio, 'dj:goLive', { producerId: 'not-mine' })).error.code).toBe('bad_request');
    const started = await ask(studio, 'dj:goLive', { producerId, title: 'Friday mix' });
    expect(started.data).toMatchObject({ status: 'live', title: 'Friday mix' });
    expect(await live.next((p) => p.live !== null)).toMatchObject({ live: { id: started.data.id } });
    expect((await ask(studio, 'dj:goLive', { producerId })).error.code).toBe('conflict');
    const channel = await fetch(`${app.url}/api/channels/ada`).then((r) => r.json());
    expect(channel.channel.live.id).toBe(started.data.id);
  });

  it('counts listeners and the peak as they come and go, in aggregated pushes', async () => {
    const from = counts.seen.length;
    for (let i = 0; i < 9; i++) {
      const socket = await (await quickGuest(app, `L${i}`)).socket();
      listeners.push({ socket, userId: (await join(socket)).self.userId });
    }
    await counts.next((c) => c.listeners === 10 && c.peak === 10);
    for (const l of listeners.splice(7, 3)) l.socket.disconnect();
    await counts.next((c) => c.listeners === 7 && c.peak === 10);
    const pushes = counts.seen.slice(from);
    // Twelve membership changes, a handful of pushes, each at least the interval apart.
    expect(pushes.length).toBeLessThan(12);
    for (let i = 1; i < pushes.length; i++) expect(pushes[i]!.at - pushes[i - 1]!.at).toBeGreaterThanOrEqual(450);
  });

  it('counts 50 rapid likes from one listener only as far as the rate limit allows', async () => {
    const liker = listeners[1]!.socket;
    const answers = await Promise.all(Array.from({ length: 50 }, () => ask(liker, 'dj:like', {})));
    const accepted = answers.filter((a) => a.ok).length;
    expect(accepted).toBe(6); // DJ_LIKES_PER_MINUTE
    expect(answers.filter((a) => !a.ok).every((a) => a.error.code === 'rate_limited')).toBe(true);
    await ask(listeners[2]!.socket, 'dj:like', {});
    await counts.next((c) => c.likes === 7);
  });

  it('takes chat, moderates it, and bars a banned listener', async () => {
    const [alice, bob] = [listeners[1]!, listeners[2]!];
    const sent = await ask(alice.socket, 'dj:chat', { text: '  <b>hello</b>  ' });
    expect(sent.data).toMatchObject({ userId: alice.userId, text: '<b>hello</b>' });
    const second = await ask(bob.socket, 'dj:chat', { text: 'second' });
    expect((await ask(bob.socket, 'dj:chat', { text: 'x'.repeat(501) })).error.code).toBe('bad_request');
    let state = DjState.parse((await ask(bob.socket, 'dj:state', {})).data);
    expect(state.recentChat.map((m) => m.text)).toEqual(['<b>hello</b>', 'second']);

    expect((await ask(bob.socket, 'dj:deleteChat', { messageId: sent.data.id })).error.code).toBe('forbidden');
    expect((await ask(studio, 'dj:deleteChat', { messageId: sent.data.id })).ok).toBe(true);
    expect((await ask(studio, 'dj:deleteChat', { messageId: sent.data.id })).error.code).toBe('not_found');
    state = DjState.parse((await ask(bob.socket, 'dj:state', {})).data);
    expect(state.recentChat.map((m) => m.id)).toEqual([second.data.id]);

    expect((await ask(studio, 'dj:banChat', { userId: alice.userId })).ok).toBe(true);
    expect((await ask(alice.socket, 'dj:chat', { text: 'let me back' })).error.code).toBe('banned');
    expect((await ask(bob.socket, 'dj:chat', { text: 'still here' })).ok).toBe(true);
  });

  it('ends with its peak and likes on record; listeners hear it end', async () => {
    const live = recorder<{ live: unknown }>(listeners[0]!.socket, 'dj:live');
    const ended = await ask(studio, 'dj:end', {});
    expect(ended.data).toMatchObject({ status: 'ended', peakListeners: 10, likes: 7 });
    await live.next((p) => p.live === null);
    expect((await ask(studio, 'dj:end', {})).error.code).toBe('conflict');
    const past = await fetch(`${app.url}/api/channels/ada/past`).then((r) => r.json());
    expect(past.broadcasts[0]).toMatchObject({ id: ended.data.id, peakListeners: 10, likes: 7 });
  });
});
