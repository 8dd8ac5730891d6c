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
 * An opaque JSON object (RTP parameters, capabilities, DTLS parameters) that mediasoup
 * validates in depth; here we only bound its size so it cannot exhaust memory.
 */
export const JsonBlob = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= LIMITS.jsonBlobBytes, `larger than ${LIMITS.jsonBlobBytes} bytes`);
export type JsonBlob = z.infer<typeof JsonBlob>;
