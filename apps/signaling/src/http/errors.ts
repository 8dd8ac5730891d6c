import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { HTTP_STATUS, RoomcastError } from '@roomcast/shared';
import { RefusalSampler } from './refusal-log.js';

/** What body-parser (and raw-body, http-errors under it) attach to the errors it passes on. */
interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  encoding?: string;
  charset?: string;
}

/**
 * body-parser reports unreadable bodies as http-errors with a client status (400/413/415) and,
 * mostly, a `type`; a body that fails to decompress (`Content-Encoding: gzip` over plain bytes)
 * arrives as the zlib error with only `status: 400`. All of them are the client's fault.
 */
export function fromBodyParser(error: BodyParserError): RoomcastError | null {
  const status = typeof error?.status === 'number' ? error.status : 0;
  if (status < 400 || status >= 500 || error.expose === false) return null;
  switch (error.type) {
    case 'entity.too.large':
      return new RoomcastError('payload_too_large', `request body is larger than ${error.limit} bytes`);
    case 'entity.parse.failed':
      return new RoomcastError('bad_request', 'request body is not valid JSON');
    case 'encoding.unsupported':
      return new RoomcastError('unsupported_media_type', `content encoding ${JSON.stringify(error.encoding ?? '?')} is not supported; send identity, gzip, deflate or br`);
    case 'charset.unsupported':
      return new RoomcastError('unsupported_media_type', `charset ${JSON.stringify(error.charset ?? '?')} is not supported; send UTF-8`);
    case 'request.aborted':
      return new RoomcastError('bad_request', 'request body ended early');
    case 'request.size.invalid':
      return new RoomcastError('bad_request', 'request body length does not match its Content-Length');
  }
  if (status === 413) return new RoomcastError('payload_too_large', 'request body is too large');
  if (status === 415) return new RoomcastError('unsupported_media_type', 'request body is in a form the server does not read');
  // raw-body types its own errors; an untyped one is the decompression stream's (zlib, brotli).
  return new RoomcastError('bad_request', 'request body could not be decoded as its Content-Encoding says');
}

/** A refusal that says when to try again (Retry-After, in seconds). */
export class RetryLaterError extends RoomcastError {
  constructor(
    code: 'rate_limited' | 'limit_exceeded',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/**
 * Turns anything thrown in a route into the typed body a client expects. Server faults are logged
 * with their cause; refusals are counted and sampled (RefusalSampler), never one line each.
 */
export function errorHandler(log: Logger, refusals = new RefusalSampler(log)): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof RoomcastError ? error : fromBodyParser(error);
    const err = known ?? new RoomcastError('internal', 'something went wrong on the server');
    const status = HTTP_STATUS[err.code];
    const context = { method: req.method, path: req.path, code: err.code, status };
    if (status >= 500) log.error({ ...context, err: error }, 'request failed');
    else refusals.refused(err.code, { ...context, reason: err.message });
    if (res.headersSent) return;
    if (err instanceof RetryLaterError) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    res.status(status).json({ error: err.toBody() });
  };
}

export function notFound(what: string): RoomcastError {
  return new RoomcastError('not_found', `${what} not found`);
}
