import type { PeerView } from '@roomcast/shared';
import { describe, expect, it } from 'vitest';
import { isFatal, levelToPercent, levelsFromEvent, participants, removePeer, upsertPeer } from './room-state';

const peer = (peerId: string, displayName = peerId): PeerView => ({ peerId, userId: `u-${peerId}`, displayName, role: 'listener', isGuest: false, mic: 'none', moderatorMuted: false });

describe('participants', () => {
  it('lists self first and every peer once', () => {
    const self = peer('me');
    expect(participants(self, [peer('a'), self, peer('b'), peer('a')]).map((p) => p.peerId)).toEqual(['me', 'a', 'b']);
    expect(participants(null, [peer('a')]).map((p) => p.peerId)).toEqual(['a']);
  });
});

describe('upsertPeer / removePeer', () => {
  it('adds new peers at the end and refreshes known ones in place', () => {
    const list = upsertPeer([peer('a'), peer('b')], peer('c'));
    expect(list.map((p) => p.peerId)).toEqual(['a', 'b', 'c']);
    const renamed = upsertPeer(list, peer('b', 'Bea'));
    expect(renamed.map((p) => p.displayName)).toEqual(['a', 'Bea', 'c']);
  });

  it('removes by id and keeps the same array when absent', () => {
    const list = [peer('a'), peer('b')];
    expect(removePeer(list, 'a').map((p) => p.peerId)).toEqual(['b']);
    expect(removePeer(list, 'zzz')).toBe(list);
  });
});

describe('audio levels', () => {
  it('keeps the loudest reading per peer', () => {
    expect(levelsFromEvent({ levels: [{ peerId: 'a', volume: -50 }, { peerId: 'a', volume: -20 }, { peerId: 'b', volume: -60 }] })).toEqual({
      a: -20,
      b: -60,
    });
  });

  it('maps dBov to a 0–100 bar', () => {
    expect(levelToPercent(undefined)).toBe(0);
    expect(levelToPercent(-127)).toBe(0);
    expect(levelToPercent(-40)).toBe(50);
    expect(levelToPercent(0)).toBe(100);
    expect(levelToPercent(Number.NaN)).toBe(0);
  });
});

describe('retry policy', () => {
  it('gives up on refusals and retries outages', () => {
    expect(isFatal('not_found')).toBe(true);
    expect(isFatal('unauthenticated')).toBe(true);
    expect(isFatal('unavailable')).toBe(false);
    expect(isFatal('timeout')).toBe(false);
    expect(isFatal('limit_exceeded')).toBe(true);
  });
});
