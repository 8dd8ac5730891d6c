import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, type JsonBlob } from '@roomcast/shared';
import type { LocalSfuControl } from './control.js';
import type { SfuServer } from './server.js';
import { listen, opus, speak, startSfu } from './testing/fixtures.js';

let server: SfuServer;
let control: LocalSfuControl;
let caps: JsonBlob;

beforeAll(async () => {
  ({ server, control } = await startSfu());
  ({ rtpCapabilities: caps } = await control.request('room.open', { roomId: 'flood' }));
});
afterAll(() => server?.close());

const codes = (results: PromiseSettledResult<unknown>[]) =>
  results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code?: string }).code ?? String(r.reason)));

describe('per-peer limits', () => {
  it('5,000 concurrent transport.create calls from one peer: the cap succeeds, the rest get limit_exceeded, the worker does not grow', async () => {
    const worker = server.findRoom('flood')!.worker;
    // Warm the worker up first (its first transports allocate pools once), then take its peak RSS.
    for (let i = 0; i < 8; i++) await control.request('transport.create', { roomId: 'flood', peerId: `warm${i}`, direction: 'send' });
    const before = (await worker.getResourceUsage()).ru_maxrss;

    const results = await Promise.allSettled(
      Array.from({ length: 5000 }, () => control.request('transport.create', { roomId: 'flood', peerId: 'guest', direction: 'send' })),
    );
    const outcome = codes(results);
    expect(outcome.filter((c) => c === 'ok')).toHaveLength(LIMITS.perPeer.transports);
    expect(outcome.filter((c) => c === 'limit_exceeded')).toHaveLength(5000 - LIMITS.perPeer.transports);

    // Measured on this machine: one WebRtcTransport costs the worker ~19 KiB of RSS (1,000 took
    // it from 13.9 to 32.9 MiB), so 5,000 uncapped would add ~95 MiB. The cap's four add ~76 KiB;
    // 4 MiB leaves room for allocator noise and still fails at 1/20 of the uncapped growth.
    const after = (await worker.getResourceUsage()).ru_maxrss;
    expect(after - before).toBeLessThan(4 * 1024);
    const dump = await server.findRoom('flood')!.router.dump();
    expect(dump.transportIds).toHaveLength(8 + LIMITS.perPeer.transports);

    // A slot comes back when its transport closes.
    const { peers } = await control.request('room.inspect', { roomId: 'flood' });
    const [first] = peers.find((p) => p.peerId === 'guest')!.transports;
    await control.request('transport.close', { roomId: 'flood', peerId: 'guest', transportId: first! });
    await expect(control.request('transport.create', { roomId: 'flood', peerId: 'guest', direction: 'send' })).resolves.toBeDefined();
    await expect(control.request('transport.create', { roomId: 'flood', peerId: 'guest', direction: 'send' })).rejects.toMatchObject({ code: 'limit_exceeded' });
  });

  it('producers and data producers are capped per peer, concurrent calls included', async () => {
    const { id: transportId } = await control.request('transport.create', { roomId: 'flood', peerId: 'mics', direction: 'send', sctp: true });
    const producing = await Promise.allSettled(
      Array.from({ length: 20 }, () => control.request('producer.create', { roomId: 'flood', peerId: 'mics', transportId, kind: 'audio', rtpParameters: opus() })),
    );
    expect(codes(producing).filter((c) => c === 'ok')).toHaveLength(LIMITS.perPeer.producers);
    expect(codes(producing).filter((c) => c === 'limit_exceeded')).toHaveLength(20 - LIMITS.perPeer.producers);

    const data = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        control.request('dataProducer.create', { roomId: 'flood', peerId: 'mics', transportId, sctpStreamParameters: { streamId: i, ordered: true } }),
      ),
    );
    expect(codes(data).filter((c) => c === 'ok')).toHaveLength(LIMITS.perPeer.dataProducers);
  });

  it('consumers: a batch that would pass the cap creates nothing and says limit_exceeded', async () => {
    const cap = LIMITS.perPeer.consumers;
    const speakers = Math.ceil((cap + 1) / LIMITS.perPeer.producers);
    const producerIds: string[] = [];
    for (let s = 0; s < speakers; s++) {
      const { transportId } = await speak(control, 'flood', `speaker${s}`);
      for (let k = 1; k < LIMITS.perPeer.producers; k++) {
        const { producerId } = await control.request('producer.create', { roomId: 'flood', peerId: `speaker${s}`, transportId, kind: 'audio', rtpParameters: opus() });
        producerIds.push(producerId);
      }
    }
    const { peers } = await control.request('room.inspect', { roomId: 'flood' });
    const all = peers.filter((p) => p.peerId.startsWith('speaker')).flatMap((p) => p.producers.map((x) => x.id));
    expect(all.length).toBeGreaterThan(cap);

    await listen(control, 'flood', 'audience', caps);
    const first = await control.request('consumer.createMany', { roomId: 'flood', peerId: 'audience', producerIds: all.slice(0, cap - 1) });
    expect(first.consumers).toHaveLength(cap - 1);
    await expect(control.request('consumer.createMany', { roomId: 'flood', peerId: 'audience', producerIds: all.slice(cap - 1, cap + 1) })).rejects.toMatchObject({
      code: 'limit_exceeded',
    });
    const audience = (await control.request('room.inspect', { roomId: 'flood' })).peers.find((p) => p.peerId === 'audience')!;
    expect(audience.consumers).toHaveLength(cap - 1);
    // What fits still goes through.
    const last = await control.request('consumer.createMany', { roomId: 'flood', peerId: 'audience', producerIds: all.slice(cap - 1, cap) });
    expect(last.consumers).toHaveLength(1);
  });
});
