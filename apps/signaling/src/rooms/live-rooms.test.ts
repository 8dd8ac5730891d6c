import { describe, expect, it } from 'vitest';
import { LiveRooms } from './live-rooms.js';

const peer = (peerId: string) => ({
  view: { peerId, userId: `u-${peerId}`, displayName: peerId, role: 'listener' as const, isGuest: false, mic: 'none' as const, moderatorMuted: false },
  socketId: `s-${peerId}`,
});
const room = { id: 'r1', kind: 'voice' as const, ownerId: 'u-a' };

describe('LiveRooms', () => {
  it('tells a joiner who is there and what they publish', () => {
    const live = new LiveRooms();
    expect(live.join(room, peer('a'))).toMatchObject({ peers: [], producers: [], activeSpeakerId: null });
    live.addProducer('r1', { producerId: 'p1', peerId: 'a', kind: 'audio', paused: false });
    const seen = live.join(room, peer('b'));
    expect(seen.peers.map((p) => p.peerId)).toEqual(['a']);
    expect(seen.producers.map((p) => p.producerId)).toEqual(['p1']);
    expect(live.participants('r1')).toBe(2);
  });

  it('drops a leaver with its producers and forgets empty rooms', () => {
    const live = new LiveRooms();
    live.join(room, peer('a'));
    live.join(room, peer('b'));
    live.addProducer('r1', { producerId: 'p1', peerId: 'a', kind: 'audio', paused: false });
    expect(live.leave('r1', 'a')).toBe(false);
    expect(live.get('r1')?.producers.size).toBe(0);
    expect(live.leave('r1', 'b')).toBe(true);
    expect(live.get('r1')).toBeUndefined();
    expect(live.stats()).toEqual({ rooms: 0, peers: 0, producers: 0 });
  });

  it('announces a closed room with the peers to tell', async () => {
    const live = new LiveRooms();
    live.join(room, peer('a'));
    const closed = new Promise((resolve) => live.once('roomClosed', resolve));
    await live.closeRoom('r1', 'bye');
    expect(await closed).toMatchObject({ roomId: 'r1', reason: 'bye', peers: [{ socketId: 's-a' }] });
  });

  it('refuses a joiner beyond the participant limit', () => {
    const live = new LiveRooms({ maxParticipants: 2, banSeconds: 60 });
    live.join(room, peer('a'));
    live.join(room, peer('b'));
    expect(() => live.join(room, peer('c'))).toThrow(expect.objectContaining({ code: 'room_full' }));
    live.leave('r1', 'a');
    expect(() => live.join(room, peer('c'))).not.toThrow();
  });

  it('keeps bans and moderator mutes by account across rejoins and an empty room, until they expire', () => {
    const live = new LiveRooms();
    live.join(room, peer('a'));
    live.policy('r1').ban('u-x', Date.now() + 60_000);
    live.policy('r1').setMuted('u-b', true);
    expect(live.leave('r1', 'a')).toBe(true);
    expect(live.policy('r1').bannedUntil('u-x')).toBeGreaterThan(Date.now());
    expect(live.join(room, peer('b')).self.moderatorMuted).toBe(true);
    expect(live.policy('r1').bannedUntil('u-x', Date.now() + 61_000)).toBeUndefined();
  });

  it('remembers the active speaker for joiners and forgets it when that peer leaves', () => {
    const live = new LiveRooms();
    live.join(room, peer('a'));
    live.setActiveSpeaker('r1', 'a');
    expect(live.join(room, peer('b')).activeSpeakerId).toBe('a');
    live.leave('r1', 'a');
    expect(live.join(room, peer('c')).activeSpeakerId).toBeNull();
  });
});
