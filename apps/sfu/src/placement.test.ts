import { once } from 'node:events';
import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonBlob, SfuEvents } from '@roomcast/shared';
import type { LocalSfuControl } from './control.js';
import type { SfuServer } from './server.js';
import { listen, speak, startSfu } from './testing/fixtures.js';

let server: SfuServer;
let control: LocalSfuControl;
/** Set to make every later spawn of worker 0 fail for real (a binary that does not exist). */
let breakWorker0 = false;

beforeAll(async () => {
  ({ server, control } = await startSfu(
    { workers: 2, respawnDelaysMs: [0, 20] },
    {
      createWorker: (settings, index) =>
        mediasoup.createWorker(breakWorker0 && index === 0 ? { ...settings, workerBin: '/nonexistent/mediasoup-worker' } : settings),
    },
  ));
});
afterAll(() => server?.close());

const workerOf = async (roomId: string) => (await control.request('room.inspect', { roomId })).worker;

describe('room placement', () => {
  it('puts a new room on the live worker with the fewest consumers, not the fewest rooms', async () => {
    const { rtpCapabilities } = await control.request('room.open', { roomId: 'busy' });
    expect(await workerOf('busy')).toBe(0);
    const { producerId } = await speak(control, 'busy', 'speaker');
    for (const listener of ['l1', 'l2']) {
      await listen(control, 'busy', listener, rtpCapabilities as JsonBlob);
      await control.request('consumer.createMany', { roomId: 'busy', peerId: listener, producerIds: [producerId] });
    }
    await control.request('room.open', { roomId: 'quiet1' });
    expect(await workerOf('quiet1')).toBe(1);
    // One room each now; counting rooms would pick worker 0 again, counting consumers picks 1.
    await control.request('room.open', { roomId: 'quiet2' });
    expect(await workerOf('quiet2')).toBe(1);
    const stats = await control.request('server.stats', {});
    expect(stats.workers.map((w) => [w.index, w.rooms, w.consumers, w.alive])).toEqual([
      [0, 1, 2, true],
      [1, 2, 0, true],
    ]);
  });

  it('never chooses a worker that died and could not be respawned, and reports degraded', async () => {
    expect(await control.request('server.health', {})).toEqual({ configured: 2, running: 2, degraded: false });
    const resets: SfuEvents['roomReset'][] = [];
    control.on('roomReset', (e) => resets.push(e));
    breakWorker0 = true;
    const lost = once(server, 'workerLost');
    process.kill(server.workerPids[0]!, 'SIGKILL');
    const [info] = (await lost) as [{ index: number; rooms: number }];
    expect(info).toEqual({ index: 0, rooms: 1 });

    expect(await control.request('server.health', {})).toEqual({ configured: 2, running: 1, degraded: true });
    const stats = await control.request('server.stats', {});
    expect(stats.workers.map((w) => [w.index, w.alive])).toEqual([
      [0, false],
      [1, true],
    ]);
    // Its room moved to the live worker, and signaling was told to have its peers rejoin.
    expect(resets).toEqual([{ roomId: 'busy', reason: 'media server restarted' }]);
    expect(await workerOf('busy')).toBe(1);
    await expect(speak(control, 'busy', 'rejoined')).resolves.toBeDefined();

    // Worker 0 now has no consumers at all, yet no new room goes there.
    for (let i = 0; i < 4; i++) {
      await control.request('room.open', { roomId: `after${i}` });
      expect(await workerOf(`after${i}`)).toBe(1);
    }
  });
});
