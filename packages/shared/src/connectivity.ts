import { z } from 'zod';
import { IceServer } from './sfu.js';

/**
 * Connectivity: the ICE configuration signaling hands a browser for peer links, and the TURN
 * self-test report. Every link's rung is named the same way in the UI and in stats.
 */

/** Which rung of the ladder a link is on: no relay, or a TURN relay reached over UDP / TCP / TLS. */
export const LinkRung = z.enum(['direct', 'relay-udp', 'relay-tcp', 'relay-tls']);
export type LinkRung = z.infer<typeof LinkRung>;

/** How far down the ladder a TURN URL is: 0 UDP, 1 TCP, 2 TLS (`turns:`). */
export function turnUrlRank(url: string): number {
  if (url.startsWith('turns:')) return 2;
  return /[?&]transport=tcp\b/i.test(url) ? 1 : 0;
}

/** UDP first (cheapest, lowest latency), then TCP, then TLS (passes the strictest firewalls); stable otherwise. */
export function orderTurnUrls(urls: readonly string[]): string[] {
  return urls
    .map((url, i) => ({ url, i }))
    .sort((a, b) => turnUrlRank(a.url) - turnUrlRank(b.url) || a.i - b.i)
    .map((e) => e.url);
}

/** GET /api/ice-servers: short-lived TURN credentials for peer links (signed in or guest). */
export const IceConfigResponse = z.object({
  iceServers: z.array(IceServer).max(16),
  /** Seconds the credentials stay valid; ask again before then. */
  ttlSeconds: z.number().int().nonnegative(),
  /** How long a link may stay unconnected before the client says it could not connect. */
  connectTimeoutMs: z.number().int().positive(),
});
export type IceConfigResponse = z.infer<typeof IceConfigResponse>;

export const TurnProbeResult = z.object({
  url: z.string(),
  ok: z.boolean(),
  /** Round trip of one packet looped through two relay allocations on this server. */
  rttMs: z.number().nonnegative().optional(),
  relayedAddress: z.string().optional(),
  /** Why it failed, in words (e.g. "401 Unauthorized", "timed out", "403 Forbidden IP"). */
  error: z.string().optional(),
});
export type TurnProbeResult = z.infer<typeof TurnProbeResult>;

/** GET /api/connectivity/self-test: one probe per configured TURN URL. */
export const SelfTestResponse = z.object({
  configured: z.boolean(),
  ok: z.boolean(),
  results: z.array(TurnProbeResult),
  checkedAt: z.string(),
});
export type SelfTestResponse = z.infer<typeof SelfTestResponse>;
