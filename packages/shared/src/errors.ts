import { z } from 'zod';

/** Every error a client can see. Codes are stable; messages are for people. */
export const ErrorCode = z.enum([
  'bad_request',
  'unknown_event',
  'payload_too_large',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'weak_password',
  'invalid_credentials',
  'email_taken',
  'protocol_mismatch',
  'rate_limited',
  'room_full',
  /** Removed from this room by a moderator; may rejoin when the ban expires. */
  'banned',
  'not_in_room',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Which fields failed validation, when that is the cause. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The shape of every failed HTTP response. */
export const HttpError = z.object({ error: ErrorBody });
export type HttpError = z.infer<typeof HttpError>;

/** Raised by handlers to answer with a typed error; anything else becomes `internal`. */
export class RoomcastError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
    this.name = 'RoomcastError';
  }

  toBody(): ErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

/** Turns a zod failure into the error a client sees, naming each bad field. */
export function validationError(error: z.ZodError, what: string): RoomcastError {
  const issues = error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  return new RoomcastError('bad_request', `invalid ${what}`, issues);
}

/** Parses or throws a typed `bad_request`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, what);
  return result.data;
}
