import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which reverse proxies' X-Forwarded-* headers to believe (TRUST_PROXY), in Express's own terms:
 * `false` (none: the peer is the client), `true` (any: only behind a proxy that overwrites the
 * header), a hop count, or addresses / subnets / the names `loopback`, `linklocal`, `uniquelocal`.
 */
export type TrustProxy = boolean | number | string[];

/** Reads TRUST_PROXY; throws a message naming what is wrong. */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim().toLowerCase();
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new Error(`expected false, true, a hop count or addresses/subnets/loopback/linklocal/uniquelocal: ${(error as Error).message}`);
  }
  return list;
}

const compiled = new WeakMap<object, (addr: string, i: number) => boolean>();

/** The trust function Express and proxy-addr use, compiled once per setting. */
export function trustFunction(trust: TrustProxy): (addr: string, i: number) => boolean {
  if (typeof trust === 'boolean') return () => trust;
  if (typeof trust === 'number') return (_addr, i) => i < trust;
  let fn = compiled.get(trust);
  if (!fn) compiled.set(trust, (fn = proxyaddr.compile(trust)));
  return fn;
}

/**
 * The real client address of a raw request (socket.io's handshake, an upgrade) under the same
 * rule Express applies to `req.ip`, so every per-address limit keys on the same thing.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return proxyaddr(req, trustFunction(trust));
}

/** Whether the immediate peer is a proxy we trust (its X-Forwarded-Host / -Proto then count). */
export function fromTrustedProxy(req: IncomingMessage, trust: TrustProxy): boolean {
  const peer = req.socket.remoteAddress;
  return peer !== undefined && trustFunction(trust)(peer, 0);
}
