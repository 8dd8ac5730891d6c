import { describe, expect, it } from 'vitest';
import { current, hasNext, hasPrevious, next, nextRepeat, previous, setShuffle, startQueue, type Queue } from './player-queue';

/** A seeded generator (mulberry32): shuffles are random yet the same every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tracks = ['a', 'b', 'c', 'd', 'e'];
const playAll = (q: Queue<string> | null, ended = true): string[] => {
  const out: string[] = [];
  for (let i = 0; q && i < 20; i++, q = next(q, ended)) out.push(current(q)!);
  return out;
};

describe('player queue', () => {
  it('plays in listing order from the chosen track and stops at the end with repeat off', () => {
    const q = startQueue(tracks, 2, { shuffle: false, repeat: 'off' });
    expect(current(q)).toBe('c');
    expect(playAll(q)).toEqual(['c', 'd', 'e']);
    expect(hasPrevious(q)).toBe(true);
    expect(previous(previous(previous(q)))).toMatchObject({ at: 0 });
  });

  it('repeat all goes round (previous at the start goes to the end); repeat one replays only when a track ends', () => {
    const all = startQueue(tracks, 3, { shuffle: false, repeat: 'all' });
    expect(playAll(all).slice(0, 7)).toEqual(['d', 'e', 'a', 'b', 'c', 'd', 'e']);
    expect(current(previous(startQueue(tracks, 0, { shuffle: false, repeat: 'all' })))).toBe('e');
    const one = startQueue(tracks, 1, { shuffle: false, repeat: 'one' });
    expect(current(next(one, true)!)).toBe('b');
    expect(current(next(one, false)!)).toBe('c');
    expect(hasNext(startQueue(tracks, 4, { shuffle: false, repeat: 'off' }))).toBe(false);
    expect(['off', 'all', 'one'].map((r) => nextRepeat(r as never))).toEqual(['all', 'one', 'off']);
  });

  it('shuffle plays the chosen track first, then every other once; turning it off keeps the track playing', () => {
    const random = seeded(7);
    const q = startQueue(tracks, 2, { shuffle: true, repeat: 'off' }, random);
    const played = playAll(q);
    expect(played[0]).toBe('c');
    expect([...played].sort()).toEqual(tracks);
    expect(played).not.toEqual(['c', 'd', 'e', 'a', 'b']);
    const moved = next(next(q)!)!;
    const playing = current(moved);
    const plain = setShuffle(moved, false, random);
    expect(current(plain)).toBe(playing);
    expect(plain.order).toEqual([0, 1, 2, 3, 4]);
    const again = setShuffle(plain, true, random);
    expect(current(again)).toBe(playing);
    expect(again.at).toBe(0);
  });
});
