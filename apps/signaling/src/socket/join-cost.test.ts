import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerOptions } from '@roomcast/shared';
import { DTLS, opus } from '../testing/media.js';
import { ask, Client, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';

/**
 * A full voice room (the default limit, 50): 49 people with microphones, then a newcomer. Its
 * join costs a fixed number of requests (protocol 3) and brings every speaker; a microphone
 * published later reaches everyone through `consumer:new`. Real mediasoup worker, real
 * socket.io, fake RTP parameters (no media flows; the consumers are what is counted).
 */
let app: Awaited<ReturnType<typeof startTestApp>>;
let roomId: string;

interface Member {
  socket: TestSocket;
  peerId: string;
  producerId?: string;
  pushed: ConsumerOptions[];
}

beforeAll(async () => {
  app = await startTestApp();
  const owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'full@example.org', password: 'fifty people in one room', displayName: 'Owner' });
  roomId = (await owner.call('POST', '/api/rooms', { name: 'Full' })).json.room.id;
});
afterAll(async () => app?.cleanup());

/** Runs `task` for every item, a few at a time (two cores, one worker). */
async function inBatches<T>(items: T[], size: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, j) => task(item, i + j)));
}

/** Resolves once `member` has been pushed consumers for every producer in `producerIds`. */
function pushedAll(member: Member, producerIds: string[]): Promise<void> {
  const has = () => producerIds.every((id) => member.pushed.some((c) => c.producerId === id));
  return new Promise((resolve) => {
    if (has()) return resolve();
    const check = () => {
      if (!has()) return;
      member.socket.off('consumer:new', check);
      resolve();
    };
    member.socket.on('consumer:new', check);
  });
}

describe('joining a full room', () => {
  it('costs at most 7 requests for 49 speakers, and a later microphone reaches every member', { timeout: 60_000 }, async () => {
    const members: Member[] = [];
    for (let i = 0; i < 49; i++) {
      const socket = await (await quickGuest(app, `Speaker ${i}`)).socket();
      const member: Member = { socket, peerId: '', pushed: [] };
      socket.on('consumer:new', ({ consumers }) => member.pushed.push(...consumers));
      members.push(member);
    }
    // Everyone joins and opens a consuming transport first, then everyone publishes: each
    // microphone must reach the 48 others by push alone.
    await inBatches(members, 7, async (m) => {
      const joined = await ask(m.socket, 'room:join', { roomId });
      expect(joined.ok).toBe(true);
      m.peerId = joined.data.self.peerId;
      const recv = await ask(m.socket, 'sfu:createTransport', { direction: 'recv', rtpCapabilities: joined.data.routerRtpCapabilities });
      expect(recv.data.consumers).toEqual([]);
    });
    await inBatches(members, 7, async (m, i) => {
      const send = await ask(m.socket, 'sfu:createTransport', { direction: 'send' });
      const produced = await ask(m.socket, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(10_000_000 + i) });
      expect(produced.ok).toBe(true);
      m.producerId = produced.data.producerId;
    });
    const speakers = members.map((m) => m.producerId!);
    await Promise.all(members.map((m) => pushedAll(m, speakers.filter((id) => id !== m.producerId))));
    for (const m of members) expect(m.pushed).toHaveLength(48);

    // The newcomer, counting every request it makes.
    const newcomer = await (await quickGuest(app, 'Newcomer')).socket();
    let requests = 0;
    const request = (event: string, payload: unknown) => {
      requests += 1;
      return ask(newcomer, event, payload);
    };
    const joined = await request('room:join', { roomId });
    expect(joined.data.producers).toHaveLength(49);
    const recv = await request('sfu:createTransport', { direction: 'recv', rtpCapabilities: joined.data.routerRtpCapabilities });
    const consumers: ConsumerOptions[] = recv.data.consumers;
    expect(consumers.map((c) => c.producerId).sort()).toEqual([...speakers].sort());
    expect((await request('sfu:connectTransport', { transportId: recv.data.id, dtlsParameters: DTLS })).ok).toBe(true);
    expect((await request('sfu:resumeConsumers', { consumerIds: consumers.map((c) => c.consumerId) })).ok).toBe(true);
    const send = await request('sfu:createTransport', { direction: 'send' });
    expect((await request('sfu:connectTransport', { transportId: send.data.id, dtlsParameters: DTLS })).ok).toBe(true);
    const everyoneHears = Promise.all(members.map((m) => new Promise<string>((resolve) => {
      m.socket.on('consumer:new', ({ consumers: pushed }) => {
        const own = pushed.find((c) => c.peerId === joined.data.self.peerId);
        if (own) resolve(own.producerId);
      });
    })));
    const produced = await request('sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(20_000_000) });
    expect(produced.ok).toBe(true);
    expect(requests).toBeLessThanOrEqual(7);

    // The SFU agrees: the newcomer consumes all 49, resumed; every member got its microphone.
    const sfu = await app.sfu.request('room.inspect', { roomId });
    const mine = sfu.peers.find((p) => p.peerId === joined.data.self.peerId)!;
    expect(mine.consumers).toHaveLength(49);
    expect(mine.consumers.every((c) => !c.paused)).toBe(true);
    expect(new Set(await everyoneHears)).toEqual(new Set([produced.data.producerId]));
    for (const m of [...members.map((x) => x.socket), newcomer]) m.close();
  });
});
