import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorBody, z } from '@roomcast/shared';

/**
 * The control channel's envelopes: JSON text frames over one WebSocket. The params, results
 * and events inside are the shared `sfuMethods`/`sfuEvents` schemas, checked on both ends.
 */
export const ControlRequest = z.strictObject({ id: z.number().int().min(0), method: z.string().max(64), params: z.unknown() });
export type ControlRequest = z.infer<typeof ControlRequest>;

export const ControlMessage = z.union([
  z.strictObject({ id: z.number().int(), error: ErrorBody }),
  z.strictObject({ event: z.string().max(64), payload: z.unknown() }),
  z.strictObject({ id: z.number().int(), result: z.unknown() }),
]);
export type ControlMessage = z.infer<typeof ControlMessage>;

/**
 * A request is small (opaque JSON blobs are ≤ 64 KiB, batches ≤ 512 ids). Answers can be
 * larger: 512 consumers' RTP parameters, or `room.inspect` of a full room.
 */
export const REQUEST_MAX_BYTES = 1024 * 1024;
export const ANSWER_MAX_BYTES = 16 * 1024 * 1024;

export const authorization = (secret: string): string => `Bearer ${secret}`;

/** Constant-time comparison of a presented Authorization header with the expected secret. */
export function secretMatches(header: string | undefined, secret: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  // Hashing first makes both sides one length, so timing reveals neither content nor length.
  return timingSafeEqual(digest(header ?? ''), digest(authorization(secret)));
}
