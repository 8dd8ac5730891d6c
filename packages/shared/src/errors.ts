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
  /** A per-person cap (transports, producers, connections, guests per address) was reached. */
  'limit_exceeded',
  /** The request's Content-Type or Content-Encoding is not one the server reads. */
  'unsupported_media_type',
  /** An uploaded file is not media the server can use (ffprobe could not read it as a video). */
  'unprocessable_media',
  /** Removed from this room by a moderator; may rejoin when the ban expires. */
  'banned',
  'not_in_room',
  /** A link sent by email that is unknown, already used or expired (the message says which). */
  'link_invalid',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The HTTP status each code answers with; clients map a bare status back with `codeForStatus`. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  weak_password: 400,
  unknown_event: 400,
  protocol_mismatch: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  banned: 403,
  not_found: 404,
  not_in_room: 409,
  conflict: 409,
  email_taken: 409,
  room_full: 409,
  limit_exceeded: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  link_invalid: 410,
  unprocessable_media: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** The code for a failed response that carried no readable body (a proxy page, an empty 502). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 502 || status === 504) return 'unavailable';
  const generic: Partial<Record<number, ErrorCode>> = { 409: 'conflict', 429: 'rate_limited', 401: 'unauthenticated', 403: 'forbidden', 400: 'bad_request' };
  if (generic[status]) return generic[status];
  const found = (Object.keys(HTTP_STATUS) as ErrorCode[]).find((code) => HTTP_STATUS[code] === status);
  return found ?? 'internal';
}

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
