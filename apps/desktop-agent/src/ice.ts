import type { IceServer as DcIceServer } from 'node-datachannel';
import type { IceServer } from '@roomcast/shared';

/**
 * Our ICE servers (W3C shape, TURN REST credentials) in libdatachannel's object form. The
 * object form keeps usernames with `:` and passwords with `+/=` intact (its URL form would need
 * them escaped). libdatachannel has no TURN over TCP without TLS, so `?transport=tcp` URLs are
 * skipped; UDP and TLS (`turns:`) remain.
 */
export function toDataChannelIce(servers: readonly IceServer[]): DcIceServer[] {
  const out: DcIceServer[] = [];
  for (const server of servers) {
    for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
      const m = /^(stun|turns?):([^?]+?)(?::(\d+))?(?:\?(.*))?$/i.exec(url.trim());
      if (!m) continue;
      const scheme = m[1]!.toLowerCase();
      const host = m[2]!.replace(/^\[|\]$/g, '');
      const tcp = /(^|&)transport=tcp\b/i.test(m[4] ?? '');
      const port = Number(m[3] ?? (scheme === 'turns' ? 5349 : 3478));
      if (scheme === 'stun') {
        out.push({ hostname: host, port });
        continue;
      }
      if (scheme === 'turn' && tcp) continue;
      out.push({
        hostname: host,
        port,
        username: server.username ?? '',
        password: server.credential ?? '',
        relayType: scheme === 'turns' ? 'TurnTls' : 'TurnUdp',
      });
    }
  }
  return out;
}
