import { orderTurnUrls, turnUrlRank, type IceServer, type LinkRung } from '@roomcast/shared';

/**
 * Link connectivity, shared by every kind of link (SFU transports, peer connections): which
 * rung of the ladder a link is on, the connect watchdog that turns "stuck in `new` forever"
 * (bad or expired TURN credentials) into a clear error, and a stats registry for export.
 */

/**
 * The one fallback for how long a link may try before it says it could not connect. The
 * server sends its own (ICE_CONNECT_TIMEOUT_MS) with every transport and ICE configuration;
 * this applies only when an answer lacks it.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** UDP relays first, then TCP, then TLS (the shared ladder), within and across servers. */
export function orderIceServers(servers: IceServer[]): RTCIceServer[] {
  return servers
    .map((s) => ({ ...s, urls: orderTurnUrls(Array.isArray(s.urls) ? s.urls : [s.urls]) }))
    .sort((a, b) => turnUrlRank(a.urls[0] ?? '') - turnUrlRank(b.urls[0] ?? ''));
}

/** How a TURN URL reaches its relay: `udp`, `tcp`, or `tls` (`turns:`). */
export function turnTransport(url: string): 'udp' | 'tcp' | 'tls' {
  return (['udp', 'tcp', 'tls'] as const)[turnUrlRank(url)] ?? 'udp';
}

type Stat = Record<string, unknown>;

/**
 * Reads the rung from a getStats() report: the selected candidate pair (the transport's, or
 * the nominated succeeded pair), then its local candidate's type and `relayProtocol`.
 */
export function rungFromStats(report: Iterable<[string, Stat]> | Map<string, Stat>): LinkRung | null {
  const stats = new Map<string, Stat>(report as Iterable<[string, Stat]>);
  let pair: Stat | undefined;
  for (const s of stats.values()) {
    if (s['type'] === 'transport' && typeof s['selectedCandidatePairId'] === 'string') pair = stats.get(s['selectedCandidatePairId']);
  }
  pair ??= [...stats.values()].find((s) => s['type'] === 'candidate-pair' && s['state'] === 'succeeded' && s['nominated'] === true);
  if (!pair) return null;
  const local = stats.get(String(pair['localCandidateId']));
  const remote = stats.get(String(pair['remoteCandidateId']));
  if (local?.['candidateType'] === 'relay') {
    const protocol = String(local['relayProtocol'] ?? 'udp');
    return protocol === 'tls' ? 'relay-tls' : protocol === 'tcp' ? 'relay-tcp' : 'relay-udp';
  }
  // Only the far side relays: our leg to its relay is plain UDP.
  if (remote?.['candidateType'] === 'relay') return 'relay-udp';
  return 'direct';
}

/** What a person reads when a link never connected within the timeout. */
export function couldNotConnectMessage(candidateErrors: number, usedTurn: boolean): string {
  if (candidateErrors > 0) return 'Could not connect: the relay server refused our credentials (they may have expired). Reload to get new ones.';
  if (!usedTurn) return 'Could not connect: no direct path, and no relay server is configured.';
  return 'Could not connect: neither a direct path nor the relay server could be reached.';
}

/**
 * Fires `onTimeout` unless `isConnected()` becomes true within `timeoutMs`. Returns a cancel
 * function; call it on `connected` or when the link is closed.
 */
export function connectWatchdog(timeoutMs: number, isConnected: () => boolean, onTimeout: () => void): () => void {
  const timer = setTimeout(() => {
    if (!isConnected()) onTimeout();
  }, timeoutMs);
  return () => clearTimeout(timer);
}

export interface LinkStats {
  name: string;
  state: string;
  rung: LinkRung | null;
  connectMs: number | null;
}

/** Every link's state and rung, for the stats export (window.roomcastStats.links()). */
const links = new Map<string, LinkStats>();

export function reportLink(name: string, patch: Partial<Omit<LinkStats, 'name'>>): void {
  const current = links.get(name) ?? { name, state: 'new', rung: null, connectMs: null };
  links.set(name, { ...current, ...patch });
}

export function forgetLink(name: string): void {
  links.delete(name);
}

export function linkStats(): LinkStats[] {
  return [...links.values()];
}

if (typeof window !== 'undefined') {
  (window as unknown as { roomcastStats?: { links: () => LinkStats[] } }).roomcastStats = { links: linkStats };
}

/** The part of a mediasoup-client Transport the watchdog needs (keeps this module library-free). */
export interface WatchedTransport {
  readonly connectionState: string;
  readonly closed: boolean;
  // mediasoup-client's `on` is typed per event; this plain shape accepts it and test fakes alike.
  on(event: string, listener: (...args: any[]) => void): unknown;
  getStats(): Promise<RTCStatsReport>;
}

/**
 * Watches one SFU transport: once it starts connecting (its first `connect`), it must reach
 * `connected` within `timeoutMs` or `onTimeout` fires; on `connected` the rung is read from
 * stats and reported. A stale credential shows up here as a transport stuck short of connected.
 */
export function watchTransport(
  transport: WatchedTransport,
  options: { name: string; timeoutMs: number; usedTurn: boolean; onRung: (rung: LinkRung | null) => void; onTimeout: (message: string) => void },
): void {
  let cancel = () => {};
  let startedAt = 0;
  transport.on('connect', () => {
    startedAt = performance.now();
    cancel = connectWatchdog(options.timeoutMs, () => transport.connectionState === 'connected' || transport.closed, () =>
      options.onTimeout(couldNotConnectMessage(0, options.usedTurn)),
    );
  });
  transport.on('connectionstatechange', (state: string) => {
    reportLink(options.name, { state });
    if (state === 'closed') forgetLink(options.name);
    if (state !== 'connected') return;
    cancel();
    transport.getStats().then(
      (report) => {
        const rung = rungFromStats(report as unknown as Map<string, Record<string, unknown>>);
        reportLink(options.name, { rung, connectMs: Math.round(performance.now() - startedAt) });
        options.onRung(rung);
      },
      () => options.onRung(null),
    );
  });
}
