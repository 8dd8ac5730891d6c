import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { RoomcastError } from '@roomcast/shared';
import { fromTrustedProxy, type TrustProxy } from './proxy.js';

export interface OriginPolicy {
  /** ALLOWED_ORIGINS: exact origins (`https://app.example.org`) whose pages may write; unset: same origin only. */
  allowedOrigins?: readonly string[] | undefined;
  trustProxy: TrustProxy;
}

/** Reads ALLOWED_ORIGINS (comma-separated) into normalised origins; throws naming a bad entry. */
export function parseAllowedOrigins(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new Error(`${JSON.stringify(entry)} is not an origin like https://app.example.org`);
      }
      if (url.origin === 'null' || url.pathname.length > 1 || url.search || url.hash) {
        throw new Error(`${JSON.stringify(entry)} is not an origin (scheme://host[:port], nothing after)`);
      }
      return url.origin;
    });
}

const first = (header: string | string[] | undefined): string | undefined => (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();

/** host[:port] the browser used to reach us: the Host header, or X-Forwarded-Host from a trusted proxy. */
function ownHost(req: IncomingMessage, trust: TrustProxy): string | undefined {
  const forwarded = fromTrustedProxy(req, trust) ? first(req.headers['x-forwarded-host']) : undefined;
  return (forwarded ?? req.headers.host)?.toLowerCase();
}

/**
 * Whether a browser request may act with the session cookie it carries. No Origin header: not a
 * cross-site browser request (curl, the desktop agent, Node tests), allowed. Otherwise the
 * origin must be listed in ALLOWED_ORIGINS, or, when that is unset, be this server itself (same
 * host and port; the scheme is not compared, so a TLS proxy that does not say X-Forwarded-Proto
 * still works). `Origin: null` (sandboxed frames, some redirects) is foreign.
 */
export function originAllowed(req: IncomingMessage, policy: OriginPolicy): boolean {
  const header = first(req.headers.origin);
  if (header === undefined) return true;
  let origin: URL;
  try {
    origin = new URL(header);
  } catch {
    return false; // includes `null`
  }
  if (policy.allowedOrigins) return policy.allowedOrigins.includes(origin.origin);
  return origin.host === ownHost(req, policy.trustProxy);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses writes (POST, PUT, PATCH, DELETE…) from foreign origins with 403 `forbidden`. */
export function refuseForeignWrites(policy: OriginPolicy): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || originAllowed(req, policy)) return next();
    next(new RoomcastError('forbidden', 'this page’s origin may not use this server; an operator can allow it with ALLOWED_ORIGINS'));
  };
}

/** socket.io's `allowRequest`: the handshake and the WebSocket upgrade answer 403 to a foreign origin. */
export function allowSocketRequest(policy: OriginPolicy): (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void {
  return (req, callback) => {
    const allowed = originAllowed(req, policy);
    callback(allowed ? null : 'origin not allowed', allowed);
  };
}
