import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JsonBlob } from '@roomcast/shared';
import type { LocalSfuControl, SfuHooks } from './control.js';
import type { SfuServer } from './server.js';
import { expectNothingLeft, listen, opus, speak, startSfu } from './testing/fixtures.js';

// Join/leave races at the SFU layer, each interleaving forced deterministically: either by the
// `afterCreate` hook (the worker made the object, its peer has not tracked it yet) or by issuing
// the leave while the create's worker request is in flight (both requests run to their first
// await synchronously, so the leave always lands before the worker answers).

let server: SfuServer;
let control: LocalSfuControl;
let afterCreate: SfuHooks['afterCreate'];
let caps: JsonBlob;
let room = 0;
let roomId: string;

beforeAll(async () => {
  ({ server, control } = await startSfu({}, { hooks: { afterCreate: (e) => afterCreate?.(e) } }));
});
afterAll(() => server?.close());
beforeEach(async () => {
  afterCreate = undefined;
  roomId = `race${room++}`;
  ({ rtpCapabilities: caps } = await control.request('room.open', { roomId }));
  // A peer that stays, so "nothing left" is checked against a room that still holds media.
  await speak(control, roomId, 'stayer');
  await listen(control, roomId, 'stayer', caps);
});

const leave = (peerId: string) => control.request('peer.leave', { roomId, peerId });

describe('a peer that leaves while its request is being served', () => {
  it('transport.create: the leave lands after the worker made the transport, before the peer tracks it', async () => {
    const made: string[] = [];
    afterCreate = async ({ kind, peerId, id }) => {
      if (kind !== 'transports' || peerId !== 'ghost') return;
      made.push(id);
      await leave('ghost');
    };
    await expect(control.request('transport.create', { roomId, peerId: 'ghost', direction: 'recv', rtpCapabilities: caps })).rejects.toMatchObject({
      code: 'not_in_room',
    });
    expect(made).toHaveLength(1);
    const dump = await server.findRoom(roomId)!.router.dump();
    expect(dump.transportIds).not.toContain(made[0]);
    await expectNothingLeft(server, control, roomId, 'ghost');
  });

  it('producer.create: the leave lands after the worker made the producer, before the peer tracks it', async () => {
    const { id: transportId } = await control.request('transport.create', { roomId, peerId: 'ghost', direction: 'send' });
    const made: string[] = [];
    afterCreate = async ({ kind, peerId, id }) => {
      if (kind !== 'producers' || peerId !== 'ghost') return;
      made.push(id);
      await leave('ghost');
    };
    await expect(
      control.request('producer.create', { roomId, peerId: 'ghost', transportId, kind: 'audio', rtpParameters: opus() }),
    ).rejects.toMatchObject({ code: 'not_in_room' });
    expect(made).toHaveLength(1);
    await expectNothingLeft(server, control, roomId, 'ghost');
    // The stayer's consuming transport is not offered the dead producer.
    const { consumers } = await control.request('consumer.createMany', { roomId, peerId: 'stayer', producerIds: made });
    expect(consumers).toEqual([]);
  });

  it('transport.create and producer.create: the leave lands while the worker request is in flight', async () => {
    const creating = control.request('transport.create', { roomId, peerId: 'ghost', direction: 'send', sctp: true });
    await leave('ghost');
    await expect(creating).rejects.toMatchObject({ code: 'not_in_room' });
    await expectNothingLeft(server, control, roomId, 'ghost');

    const { id: transportId } = await control.request('transport.create', { roomId, peerId: 'ghost2', direction: 'send' });
    const producing = control.request('producer.create', { roomId, peerId: 'ghost2', transportId, kind: 'audio', rtpParameters: opus() });
    await leave('ghost2');
    await expect(producing).rejects.toMatchObject({ code: 'not_in_room' });
    await expectNothingLeft(server, control, roomId, 'ghost2');
  });

  it('consumer.createMany: the leave lands while the consumers are being created', async () => {
    const speakers = await Promise.all(['s1', 's2', 's3'].map((p) => speak(control, roomId, p)));
    await listen(control, roomId, 'ghost', caps);
    const consuming = control.request('consumer.createMany', { roomId, peerId: 'ghost', producerIds: speakers.map((s) => s.producerId) });
    await leave('ghost');
    await expect(consuming).rejects.toMatchObject({ code: 'not_in_room' });
    await expectNothingLeft(server, control, roomId, 'ghost');
  });

  it('a late request for a departed peer never re-creates it', async () => {
    await control.request('transport.create', { roomId, peerId: 'ghost', direction: 'send' });
    await leave('ghost');
    await expect(control.request('transport.create', { roomId, peerId: 'ghost', direction: 'send' })).rejects.toMatchObject({ code: 'not_in_room' });
    // Even one that never had media: signaling's leave can come before its first transport.
    await leave('never-had-media');
    await expect(control.request('transport.create', { roomId, peerId: 'never-had-media', direction: 'send' })).rejects.toMatchObject({
      code: 'not_in_room',
    });
    const { peers } = await control.request('room.inspect', { roomId });
    expect(peers.map((p) => p.peerId).sort()).toEqual(['stayer']);
    await expectNothingLeft(server, control, roomId, 'ghost');
  });

  it('a closed room forgets who left: the same room id reopened starts clean', async () => {
    await leave('ghost');
    await control.request('room.close', { roomId });
    expect(await control.request('room.inspect', { roomId })).toEqual({ open: false, peers: [] });
    await control.request('room.open', { roomId });
    await expect(control.request('transport.create', { roomId, peerId: 'ghost', direction: 'send' })).resolves.toMatchObject({ id: expect.any(String) });
  });
});
