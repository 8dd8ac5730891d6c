/**
 * The library player's queue as plain data: the tracks in listing order, the order they play
 * in (shuffled or not), where it is, and the repeat mode. Pure functions, so the rules (what
 * "next" means at the end with repeat on, what shuffle keeps) are unit-tested without a page.
 */
export type Repeat = 'off' | 'all' | 'one';

export interface Queue<T> {
  list: readonly T[];
  /** Indexes into `list`, in playing order. */
  order: readonly number[];
  /** Position in `order` of the track playing. */
  at: number;
  shuffle: boolean;
  repeat: Repeat;
}

/** A random number in [0, 1): Math.random in the page, a seeded one in tests. */
export type Random = () => number;

function shuffled(indexes: number[], random: Random): number[] {
  for (let i = indexes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
  }
  return indexes;
}

/** Order for `list` with `first` playing now: as listed, or `first` then the rest shuffled. */
function orderFor(length: number, first: number, shuffle: boolean, random: Random): number[] {
  const all = Array.from({ length }, (_, i) => i);
  if (!shuffle) return all;
  return [first, ...shuffled(all.filter((i) => i !== first), random)];
}

export function startQueue<T>(list: readonly T[], index: number, options: { shuffle: boolean; repeat: Repeat }, random: Random = Math.random): Queue<T> {
  const order = orderFor(list.length, index, options.shuffle, random);
  return { list, order, at: order.indexOf(index), shuffle: options.shuffle, repeat: options.repeat };
}

export function current<T>(q: Queue<T> | null): T | undefined {
  return q ? q.list[q.order[q.at]!] : undefined;
}

/**
 * The queue after "next". `ended`: the track finished by itself (repeat one plays it again;
 * a person pressing next skips on even then). Null at the end with repeat off: playing stops.
 */
export function next<T>(q: Queue<T>, ended = false, random: Random = Math.random): Queue<T> | null {
  if (ended && q.repeat === 'one') return { ...q };
  if (q.at + 1 < q.order.length) return { ...q, at: q.at + 1 };
  if (q.repeat === 'off') return null;
  // Round again; a shuffled queue gets a new order (not the same one twice).
  const order = q.shuffle ? shuffled([...q.order], random) : q.order;
  return { ...q, order, at: 0 };
}

/** "Previous": the track before, or the last one with repeat all; at the start, it stays. */
export function previous<T>(q: Queue<T>): Queue<T> {
  if (q.at > 0) return { ...q, at: q.at - 1 };
  return q.repeat === 'all' ? { ...q, at: q.order.length - 1 } : q;
}

export const hasNext = <T>(q: Queue<T> | null): boolean => !!q && (q.at + 1 < q.order.length || q.repeat !== 'off');
export const hasPrevious = <T>(q: Queue<T> | null): boolean => !!q && (q.at > 0 || q.repeat === 'all');

/** Shuffle on or off; the track playing keeps playing, and what follows is reordered. */
export function setShuffle<T>(q: Queue<T>, shuffle: boolean, random: Random = Math.random): Queue<T> {
  const playing = q.order[q.at]!;
  const order = orderFor(q.list.length, playing, shuffle, random);
  return { ...q, shuffle, order, at: order.indexOf(playing) };
}

export const nextRepeat = (r: Repeat): Repeat => (r === 'off' ? 'all' : r === 'all' ? 'one' : 'off');
