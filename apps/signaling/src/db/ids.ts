import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^10 ≈ 8.4e17 ids: collisions are negligible, and RoomStore.create retries anyway. */
export const ROOM_ID_LENGTH = 10;

/** A short url-safe random id ([0-9A-Za-z]), unbiased (rejection sampling). */
export function shortId(length = ROOM_ID_LENGTH): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes >= 248 would favour the first characters.
      if (byte < 248) id += ALPHABET[byte % 62];
      if (id.length === length) break;
    }
  }
  return id;
}

let lastMs = 0;
let seq = 0;
/**
 * An id that sorts by creation time ([0-9a-z], 17 characters: milliseconds, a per-process
 * sequence, randomness), for rows listed in the order they were made within one millisecond
 * too (chat messages).
 */
export function timeOrderedId(now = Date.now()): string {
  if (now <= lastMs) seq++;
  else (lastMs = now), (seq = 0);
  const rand = shortId(4).toLowerCase();
  return `${Math.max(now, lastMs).toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${rand}`;
}
