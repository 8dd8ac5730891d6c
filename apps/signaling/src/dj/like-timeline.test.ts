// Likes keep their moment: the archive serves them, oldest first, to replay beside its timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LikeReplay } from '@roomcast/shared';
import { opus } from '../testing/media.js';
import { ask, Client, quickAccount, quickGuest, startTestApp, type TestSocket } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  app = await startTestApp({ DJ_LIKES_PER_MINUTE: '10' });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await app?.cleanup();
});

async function joined(client: Client, roomId: string): Promise<TestSocket> {
  const socket = await client.socket();
  sockets.push(socket);
  expect((await ask(socket, 'room:join', { roomId })).ok).toBe(true);
  return socket;
}

describe('the like timeline', () => {
  it('records each like with its time in the broadcast and replays them beside the archive, hidden like the archive', async () => {
    const dj = await quickAccount(app, 'DJ Heart', 'broadcaster');
    const roomId = (await dj.call('PUT', '/api/channels/mine', { handle: 'hearts', title: 'Hearts' })).json.channel.roomId;
    const studio = await joined(dj, roomId);
    const send = await ask(studio, 'sfu:createTransport', { direction: 'send' });
    const producerId = (await ask(studio, 'sfu:produce', { transportId: send.data.id, kind: 'audio', rtpParameters: opus(6161) })).data.producerId;
    const [ann, bo] = [await joined(await quickGuest(app, 'Ann'), roomId), await joined(await quickGuest(app, 'Bo'), roomId)];
    // Not live yet: a like is refused and leaves nothing behind.
    expect((await ask(ann, 'dj:like', {})).error.code).toBe('conflict');
    const live = (await ask(studio, 'dj:goLive', { producerId })).data;
    const given: number[] = [];
    for (const who of [ann, bo, ann]) {
      expect((await ask(who, 'dj:like', {})).ok).toBe(true);
      given.push(Date.now());
    }
    const ended = (await ask(studio, 'dj:end', {})).data;
    // The recording of a producer that never sent a packet is empty: give the broadcast a file.
    await app.db.channels.setArchive(live.id, `${live.id}.ogg`);

    const route = `/api/channels/hearts/archives/${live.id}/likes`;
    expect((await new Client(app.url).call('GET', route)).status).toBe(404);
    const own = await dj.call('GET', route);
    expect(own.status).toBe(200);
    const replay = LikeReplay.parse(own.json);
    const times = replay.likes.map((l) => Date.parse(l.at));
    expect(times).toHaveLength(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const [i, at] of times.entries()) {
      expect(at).toBeGreaterThanOrEqual(Date.parse(ended.startedAt));
      expect(at).toBeLessThanOrEqual(Math.min(given[i]!, Date.parse(ended.endedAt)));
    }
    expect(ended.likes).toBe(3);

    expect((await dj.call('PATCH', `/api/channels/hearts/archives/${live.id}`, { published: true })).status).toBe(200);
    expect((await new Client(app.url).call('GET', route)).json).toEqual(own.json);
  });
});
