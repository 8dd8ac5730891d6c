import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSfuControl } from '../control.js';
import type { SfuServer } from '../server.js';
import { startSfu } from '../testing/fixtures.js';

let server: SfuServer;
let control: LocalSfuControl;
const roomId = 'server-data';

beforeAll(async () => {
  ({ server, control } = await startSfu());
  await control.request('room.open', { roomId });
});
afterAll(() => server?.close());

describe('server-owned data channels', () => {
  it('opens one per label, idempotently, and peers can consume it', async () => {
    const [a, b] = await Promise.all([
      control.request('dataChannel.open', { roomId, label: 'chat' }),
      control.request('dataChannel.open', { roomId, label: 'chat' }),
    ]);
    expect(a.dataProducerId).toBe(b.dataProducerId);
    expect((await control.request('dataChannel.open', { roomId, label: 'other' })).dataProducerId).not.toBe(a.dataProducerId);
    const { id: transportId } = await control.request('transport.create', { roomId, peerId: 'lena', direction: 'recv', sctp: true });
    const consumer = await control.request('dataConsumer.create', { roomId, peerId: 'lena', transportId, dataProducerId: a.dataProducerId });
    expect(consumer).toMatchObject({ dataProducerId: a.dataProducerId, label: 'chat', protocol: 'json' });
  });

  it('delivers one send to every consumer (the worker fans it out)', async () => {
    const { dataProducerId } = await control.request('dataChannel.open', { roomId, label: 'chat' });
    const router = server.findRoom(roomId)!.router;
    const direct = await router.createDirectTransport();
    const consumers = await Promise.all([1, 2, 3].map(() => direct.consumeData({ dataProducerId })));
    const received = consumers.map((c) => new Promise<string>((resolve) => c.once('message', (m: Buffer) => resolve(m.toString()))));
    await control.request('dataChannel.send', { roomId, label: 'chat', message: '{"type":"delete","id":"m1"}' });
    expect(await Promise.all(received)).toEqual(Array(3).fill('{"type":"delete","id":"m1"}'));
    direct.close();
  });

  it('refuses a send on a channel never opened, and oversized messages', async () => {
    await expect(control.request('dataChannel.send', { roomId, label: 'nope', message: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(control.request('dataChannel.send', { roomId, label: 'chat', message: 'x'.repeat(5000) })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('makes a fresh channel after the room is closed and opened again', async () => {
    const before = await control.request('dataChannel.open', { roomId: 'again', label: 'chat' }).catch(() => null);
    expect(before).toBeNull(); // not open: no room
    await control.request('room.open', { roomId: 'again' });
    const first = await control.request('dataChannel.open', { roomId: 'again', label: 'chat' });
    await control.request('room.close', { roomId: 'again' });
    await control.request('room.open', { roomId: 'again' });
    const second = await control.request('dataChannel.open', { roomId: 'again', label: 'chat' });
    expect(second.dataProducerId).not.toBe(first.dataProducerId);
  });
});
