import { z } from 'zod';
import { LIMITS } from './limits.js';

export const Id = z.string().min(1).max(LIMITS.id.max).regex(/^[A-Za-z0-9_-]+$/, 'must be url-safe');
export const DisplayName = z
  .string()
  .trim()
  .min(LIMITS.displayName.min, 'display name is required')
  .max(LIMITS.displayName.max, `display name is at most ${LIMITS.displayName.max} characters`);

export const Role = z.enum(['listener', 'broadcaster', 'admin']);
export type Role = z.infer<typeof Role>;

export const RoomKind = z.enum(['voice', 'watch', 'dj']);
export type RoomKind = z.infer<typeof RoomKind>;

/**
 * Whether a decoded JSON value stays within `maxDepth` levels of nesting and `maxBytes` of
 * serialised size. Iterative, so a hostile 5,000-level value cannot overflow the stack, and it
 * stops as soon as either bound is crossed, so it never serialises more than it must.
 */
export function jsonWithin(value: unknown, maxDepth: number, maxBytes: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let bytes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') {
      bytes += typeof node === 'string' ? node.length + 2 : 8;
    } else {
      if (depth >= maxDepth) return false;
      const entries = Array.isArray(node) ? node.map((v) => ['', v] as const) : Object.entries(node);
      for (const [key, child] of entries) {
        bytes += key.length + 4;
        stack.push([child, depth + 1]);
      }
    }
    if (bytes > maxBytes) return false;
  }
  return true;
}

/**
 * An opaque JSON object (RTP parameters, capabilities, DTLS parameters) that mediasoup
 * validates in depth; here we only bound its size and depth so it cannot exhaust memory or
 * the stack.
 */
export const JsonBlob = z
  .record(z.string(), z.unknown())
  .refine(
    (v) => jsonWithin(v, LIMITS.jsonBlobDepth, LIMITS.jsonBlobBytes),
    `larger than ${LIMITS.jsonBlobBytes} bytes or nested deeper than ${LIMITS.jsonBlobDepth} levels`,
  );
export type JsonBlob = z.infer<typeof JsonBlob>;
