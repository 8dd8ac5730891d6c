import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonBlob } from '@roomcast/shared';
import type { LocalSfuControl } from './control.js';
import type { SfuServer } from './server.js';
import { speak, startSfu } from './testing/fixtures.js';

let server: SfuServer;
let control: LocalSfuControl;
let caps: JsonBlob;
const roomId = 'fanout';

beforeAll(async () => {
  ({ server, control } = await startSfu({ workers: 2, routerListenerLimit: 2 }));
  ({ rtpCapabilities: caps } = await control.request('room.open', { roomId }));
});
afterAll(() => server?.close());

describe('scaling past one router (pipeToRouter)', () => {
  it('serves listeners past the per-router limit from a router on another worker, piping the producer there once', async () => {
    const { producerId } = await speak(control, roomId, 'dj');
    const { dataProducerId } = await control.request('dataChannel.open', { roomId, label: 'chat' });
    const listeners = ['l1', 'l2', 'l3', 'l4'];
    const transports: string[] = [];
    for (const peerId of listeners) {
      const { id } = await control.request('transport.create', { roomId, peerId, direction: 'recv', sctp: true, rtpCapabilities: caps });
      transports.push(id);
    }
    const created = await Promise.all(listeners.map((peerId) => control.request('consumer.createMany', { roomId, peerId, producerIds: [producerId] })));
    expect(created.map((c) => c.consumers.map((x) => x.producerId))).toEqual(listeners.map(() => [producerId]));
    await Promise.all(listeners.map((peerId, i) => control.request('dataConsumer.create', { roomId, peerId, transportId: transports[i]!, dataProducerId })));

    const { worker: mainWorker, peers } = await control.request('room.inspect', { roomId });
    const workerOf = (id: string) => peers.find((p) => p.peerId === id)!.worker;
    expect([workerOf('l1'), workerOf('l2')]).toEqual([mainWorker, mainWorker]);
    expect(workerOf('l3')).not.toBe(mainWorker);
    expect(workerOf('l4')).toBe(workerOf('l3'));

    const room = server.findRoom(roomId)!;
    expect(room.fanout.edges).toHaveLength(1);
    // Once per edge: the main router holds one pipe transport whatever the edge's audience.
    const dump = await room.router.dump();
    expect(dump.transportIds.length).toBe(1 /* dj send */ + 2 /* l1, l2 */ + 1 /* pipe */ + 1 /* the server's direct transport */);
    const edgeDump = await room.fanout.edges[0]!.router.dump();
    expect(edgeDump.mapProducerIdConsumerIds.find((e) => e.key === producerId)?.values).toHaveLength(2);
  });

  it('frees a place when a listener leaves, and closes edges with the room', async () => {
    await control.request('peer.leave', { roomId, peerId: 'l1' });
    const { id } = await control.request('transport.create', { roomId, peerId: 'l5', direction: 'recv', rtpCapabilities: caps });
    expect(id).toBeTruthy();
    const { worker: mainWorker, peers } = await control.request('room.inspect', { roomId });
    expect(peers.find((p) => p.peerId === 'l5')!.worker).toBe(mainWorker);
    const edge = server.findRoom(roomId)!.fanout.edges[0]!.router;
    await control.request('room.close', { roomId });
    expect(edge.closed).toBe(true);
  });
});
