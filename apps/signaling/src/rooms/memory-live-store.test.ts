import { describe, expect, it } from 'vitest';
import { MemoryLiveStore } from './memory-live-store.js';

const peer = (peerId: string) => ({
  view: { peerId, userId: `u-${peerId}`, displayName: peerId, role: 'listener' as const, isGuest: false, mic: 'none' as const, moderatorMuted: false },
  socketId: `s-${peerId}`,
});
const room = { id: 'r1', kind: 'voice' as const, ownerId: 'u-a' };

describe('MemoryLiveStore', () => {
  it('tells a joiner who is there and what they publish', async () => {
    const live = new MemoryLiveStore();
    expect(await live.join(room, peer('a'), 50)).toEqual({ peers: [], producers: [], activeSpeakerId: null });
    expect(await live.addProducer('r1', { producerId: 'p1', peerId: 'a', kind: 'audio', paused: false })).toBe(true);
    const seen = await live.join(room, peer('b'), 50);
    expect(seen.peers.map((p) => p.peerId)).toEqual(['a']);
    expect(seen.producers.map((p) => p.producerId)).toEqual(['p1']);
    expect((await live.participants(['r1', 'other'])).get('r1')).toBe(2);
  });

  it('hands out frozen copies: a caller cannot change the room behind the store', async () => {
    const live = new MemoryLiveStore();
    await live.join(room, peer('a'), 50);
    await live.addProducer('r1', { producerId: 'p1', peerId: 'a', kind: 'audio', paused: false });
    const view = (await live.room('r1'))!;
    expect(() => (view.peers as unknown[]).push(peer('x'))).toThrow();
    expect(() => Object.assign(view.producers[0]!, { paused: true })).toThrow();
    expect(() => Object.assign(view.peers[0]!.view, { mic: 'live' })).toThrow();
    expect((await live.room('r1'))!.producers[0]!.paused).toBe(false);
  });

  it('drops a leaver with its producers, says when the room empties, and forgets it', async () => {
    const live = new MemoryLiveStore();
    await live.join(room, peer('a'), 50);
    await live.join(room, peer('b'), 50);
    await live.addProducer('r1', { producerId: 'p1', peerId: 'a', kind: 'audio', paused: false });
    expect(await live.leave('r1', 'a')).toEqual({ left: true, empty: false });
    expect((await live.room('r1'))!.producers).toHaveLength(0);
    expect(await live.leave('r1', 'a')).toEqual({ left: false, empty: false });
    expect(await live.leave('r1', 'b')).toEqual({ left: true, empty: true });
    expect(await live.room('r1')).toBeUndefined();
    expect(await live.stats()).toEqual({ rooms: 0, peers: 0, producers: 0 });
  });

  it('records no producer for a peer that already left', async () => {
    const live = new MemoryLiveStore();
    await live.join(room, peer('a'), 50);
    await live.join(room, peer('b'), 50);
    await live.leave('r1', 'b');
    expect(await live.addProducer('r1', { producerId: 'p1', peerId: 'b', kind: 'audio', paused: false })).toBe(false);
    expect(await live.updatePeer('r1', 'b', { mic: 'live' })).toBeUndefined();
  });

  it('refuses a joiner beyond the limit', async () => {
    const live = new MemoryLiveStore();
    await live.join(room, peer('a'), 2);
    await live.join(room, peer('b'), 2);
    await expect(live.join(room, peer('c'), 2)).rejects.toMatchObject({ code: 'room_full' });
    await live.leave('r1', 'a');
    await expect(live.join(room, peer('c'), 2)).resolves.toBeDefined();
  });

  it('closes a room, answering who was in it', async () => {
    const live = new MemoryLiveStore();
    await live.join(room, peer('a'), 50);
    expect((await live.close('r1')).map((p) => p.socketId)).toEqual(['s-a']);
    expect(await live.room('r1')).toBeUndefined();
  });

  it('knows since when a room is empty, by its clock', async () => {
    let now = 1_000;
    const live = new MemoryLiveStore(() => now);
    expect(await live.idleSince('never-seen')).toBe(1_000);
    now = 5_000;
    await live.join(room, peer('a'), 50);
    expect(await live.idleSince('r1')).toBeUndefined();
    now = 9_000;
    await live.leave('r1', 'a');
    expect(await live.idleSince('r1')).toBe(9_000);
  });

  it('remembers the active speaker for joiners and forgets it when that peer leaves', async () => {
    const live = new MemoryLiveStore();
    await live.join(room, peer('a'), 50);
    await live.setActiveSpeaker('r1', 'a');
    expect((await live.join(room, peer('b'), 50)).activeSpeakerId).toBe('a');
    await live.leave('r1', 'a');
    expect((await live.join(room, peer('c'), 50)).activeSpeakerId).toBeNull();
  });
});
