import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { RoomcastError, type ErrorCode } from '@roomcast/shared';

const STATUS: Record<ErrorCode, number> = {
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
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** body-parser reports malformed or oversized bodies with a `type`; they are the client's fault. */
function fromBodyParser(error: { type?: string; limit?: number }): RoomcastError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new RoomcastError('payload_too_large', `request body is larger than ${error.limit} bytes`);
    case 'entity.parse.failed':
      return new RoomcastError('bad_request', 'request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.aborted':
    case 'request.size.invalid':
      return new RoomcastError('bad_request', `unreadable request body (${error.type})`);
    default:
      return null;
  }
}

/** Turns anything thrown in a route into the typed body a client expects, and logs its cause. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof RoomcastError ? error : fromBodyParser(error);
    const err = known ?? new RoomcastError('internal', 'something went wrong on the server');
    const status = STATUS[err.code];
    const context = { method: req.method, path: req.path, code: err.code, status };
    if (status >= 500) log.error({ ...context, err: error }, 'request failed');
    else log.info({ ...context, reason: err.message }, 'request refused');
    if (!res.headersSent) res.status(status).json({ error: err.toBody() });
  };
}

export function notFound(what: string): RoomcastError {
  return new RoomcastError('not_found', `${what} not found`);
}
