import express, { type RequestHandler } from 'express';
import { LIMITS, RoomcastError } from '@roomcast/shared';
import { refuseForeignWrites, type OriginPolicy } from './origin.js';

/** A body is present when it has a length or is chunked (`Content-Length: 0` is no body). */
const hasBody = (req: express.Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** The API reads JSON only: any other body is refused with 415 rather than silently ignored. */
export const jsonOnly: RequestHandler = (req, _res, next) => {
  if (!hasBody(req) || req.is('application/json')) return next();
  next(new RoomcastError('unsupported_media_type', `send the request body as application/json (got ${req.headers['content-type'] ? JSON.stringify(req.headers['content-type'].slice(0, 100)) : 'no Content-Type'})`));
};

/**
 * What every /api request passes before its route: foreign-origin writes are refused before the
 * body is read; the body must be JSON within LIMITS.httpBodyBytes (decompressed size); body-parser
 * failures reach the error handler as typed 400/413/415 (http/errors.ts).
 */
export function apiGuards(policy: OriginPolicy): RequestHandler[] {
  return [refuseForeignWrites(policy), jsonOnly, express.json({ limit: LIMITS.httpBodyBytes })];
}
