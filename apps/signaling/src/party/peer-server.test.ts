import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { quickGuest, startTestApp, type Client } from '../testing/test-app.js';
import { MemoryPartyStore } from './memory-party-store.js';

/**
 * The PeerJS upgrade is authenticated asynchronously (session, then party store). socket.io
 * shares the HTTP server's `upgrade` event and, by default, ends any upgrade it does not own
 * after 1 s: on a busy machine that cut the PeerJS socket mid-check, and the page's mesh never
 * came up. Here the store answers only after that second has passed (on a fake clock).
 */
class GatedPartyStore extends MemoryPartyStore {
  entered = Promise.withResolvers<void>();
  gate = Promise.withResolvers<void>();
  userId = '';

  override async findMember(meshId: string) {
    this.entered.resolve();
    await this.gate.promise;
    return { roomId: 'room', member: { peerId: 'peer', userId: this.userId, displayName: 'Slow', meshId } };
  }
}

let app: Awaited<ReturnType<typeof startTestApp>>;
let guest: Client;
const parties = new GatedPartyStore();

beforeAll(async () => {
  app = await startTestApp({}, { parties });
  guest = await quickGuest(app, 'Slow starter');
  parties.userId = (await guest.call('GET', '/api/auth/me')).json.user.id;
});
afterAll(async () => {
  vi.useRealTimers();
  await app?.cleanup();
});

/** Opens a WebSocket as a page would; resolves with the first message's type, the refusal status, or `closed`. */
function upgrade(path: string): Promise<{ message?: string; status?: number; closed?: true }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}${path}`, { headers: { cookie: guest.cookie } });
    ws.once('message', (data) => {
      resolve({ message: JSON.parse(String(data)).type });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({ closed: true }));
  });
}

describe('WebSocket upgrades on the shared port', () => {
  it('a PeerJS upgrade still being authenticated after socket.io\'s refusal timer is not cut', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const opened = upgrade('/peerjs/peerjs?key=peerjs&id=slowstarter00000001&token=tok');
    await parties.entered.promise;
    // engine.io's destroyUpgradeTimeout (1 s), had it been left on, fires here.
    await vi.advanceTimersByTimeAsync(5_000);
    vi.useRealTimers();
    parties.gate.resolve();
    expect(await opened).toEqual({ message: 'OPEN' });
  });

  it('an upgrade on a path nobody serves is refused at once', async () => {
    expect(await upgrade('/nothing-here')).toEqual({ status: 404 });
  });
});
