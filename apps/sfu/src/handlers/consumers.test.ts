import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonBlob, SfuEvents } from '@roomcast/shared';
import type { LocalSfuControl } from '../control.js';
import type { SfuServer } from '../server.js';
import { listen, opus, speak, startSfu, vp8Only } from '../testing/fixtures.js';

let server: SfuServer;
let control: LocalSfuControl;
let caps: JsonBlob;
const roomId = 'consumers';

beforeAll(async () => {
  ({ server, control } = await startSfu());
  ({ rtpCapabilities: caps } = await control.request('room.open', { roomId }));
});
afterAll(() => server?.close());

const inspect = async (peerId: string) => (await control.request('room.inspect', { roomId })).peers.find((p) => p.peerId === peerId);
const createMany = (peerId: string, producerIds: string[]) => control.request('consumer.createMany', { roomId, peerId, producerIds });

describe('consumer.createMany', () => {
  it('creates paused consumers for what the peer can consume, skipping its own, unknown, duplicate and closed producers', async () => {
    const alice = await speak(control, roomId, 'alice');
    const bob = await speak(control, roomId, 'bob');
    const gone = await speak(control, roomId, 'carol');
    await control.request('producer.close', { roomId, peerId: 'carol', producerId: gone.producerId });
    await listen(control, roomId, 'lena', caps);
    const own = await speak(control, roomId, 'lena');

    const { consumers } = await createMany('lena', [alice.producerId, bob.producerId, alice.producerId, own.producerId, 'unknown', gone.producerId]);
    expect(consumers.map((c) => [c.producerId, c.peerId, c.kind, c.producerPaused])).toEqual([
      [alice.producerId, 'alice', 'audio', false],
      [bob.producerId, 'bob', 'audio', false],
    ]);
    const lena = await inspect('lena');
    expect(lena!.consumers.map((c) => c.paused)).toEqual([true, true]);
    expect(new Set(lena!.consumers.map((c) => c.id))).toEqual(new Set(consumers.map((c) => c.consumerId)));
  });

  it('is idempotent, concurrent calls included', async () => {
    const dave = await speak(control, roomId, 'dave');
    const again = await createMany('lena', [dave.producerId]);
    expect(again.consumers).toHaveLength(1);
    expect((await createMany('lena', [dave.producerId])).consumers).toEqual([]);

    const erin = await speak(control, roomId, 'erin');
    const [a, b] = await Promise.all([createMany('lena', [erin.producerId]), createMany('lena', [erin.producerId])]);
    expect(a.consumers.length + b.consumers.length).toBe(1);
    expect((await inspect('lena'))!.consumers.filter((c) => c.producerId === erin.producerId)).toHaveLength(1);
  });

  it('answers nothing for a peer that cannot decode the media or has no consuming transport', async () => {
    const frank = await speak(control, roomId, 'frank');
    await listen(control, roomId, 'video-only', vp8Only);
    expect((await createMany('video-only', [frank.producerId])).consumers).toEqual([]);
    // A send transport with capabilities does not consume; neither does a recv transport without them.
    await control.request('transport.create', { roomId, peerId: 'sender', direction: 'send', rtpCapabilities: caps });
    await control.request('transport.create', { roomId, peerId: 'sender', direction: 'recv' });
    expect((await createMany('sender', [frank.producerId])).consumers).toEqual([]);
    await expect(createMany('stranger', [frank.producerId])).rejects.toMatchObject({ code: 'not_in_room' });
  });

  it('refuses capabilities that are not capabilities, before creating anything', async () => {
    await expect(
      control.request('transport.create', { roomId, peerId: 'bad-caps', direction: 'recv', rtpCapabilities: { codecs: 'opus' } }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(await inspect('bad-caps')).toBeUndefined();
  });

  it('tells signaling when a consumed producer closes', async () => {
    const gina = await speak(control, roomId, 'gina');
    const [consumer] = (await createMany('lena', [gina.producerId])).consumers;
    const events: SfuEvents['consumerClosed'][] = [];
    const seen = new Promise<void>((resolve) =>
      control.on('consumerClosed', (e) => {
        events.push(e);
        resolve();
      }),
    );
    await control.request('producer.close', { roomId, peerId: 'gina', producerId: gina.producerId });
    await seen;
    expect(events).toEqual([{ roomId, peerId: 'lena', consumerId: consumer!.consumerId }]);
    expect((await inspect('lena'))!.consumers.map((c) => c.id)).not.toContain(consumer!.consumerId);
  });

  it('follows the newest consuming transport; when it closes, nothing is consumed until another one comes', async () => {
    const henry = await speak(control, roomId, 'henry');
    const first = await listen(control, roomId, 'mover', caps);
    await control.request('transport.close', { roomId, peerId: 'mover', transportId: first });
    expect((await createMany('mover', [henry.producerId])).consumers).toEqual([]);
    await listen(control, roomId, 'mover', caps);
    expect((await createMany('mover', [henry.producerId])).consumers).toHaveLength(1);
  });
});

describe('consumer.resumeMany', () => {
  it('resumes the peer’s own consumers and ignores ids it does not own', async () => {
    const ivan = await speak(control, roomId, 'ivan');
    await listen(control, roomId, 'p1', caps);
    await listen(control, roomId, 'p2', caps);
    const [mine] = (await createMany('p1', [ivan.producerId])).consumers;
    const [theirs] = (await createMany('p2', [ivan.producerId])).consumers;
    await control.request('consumer.resumeMany', { roomId, peerId: 'p1', consumerIds: [mine!.consumerId, theirs!.consumerId, 'no-such-consumer', mine!.consumerId] });
    expect((await inspect('p1'))!.consumers).toEqual([{ id: mine!.consumerId, producerId: ivan.producerId, paused: false }]);
    expect((await inspect('p2'))!.consumers).toEqual([{ id: theirs!.consumerId, producerId: ivan.producerId, paused: true }]);
    // The producer side is untouched and a later producer is consumed paused again.
    const { producerId } = await control.request('producer.create', { roomId, peerId: 'ivan', transportId: ivan.transportId, kind: 'audio', rtpParameters: opus() });
    const [next] = (await createMany('p1', [producerId])).consumers;
    expect((await inspect('p1'))!.consumers.find((c) => c.id === next!.consumerId)?.paused).toBe(true);
  });
});
