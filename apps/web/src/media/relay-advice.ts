import { turnUrlRank, type SelfTestResponse, type TurnProbeResult } from '@roomcast/shared';

/**
 * What a person can do about each way a relay self-test fails. The probe reports the relay's
 * STUN error ("403 Forbidden IP") or the socket's ("connect ECONNREFUSED", "timed out"); each
 * maps to the setting or the fix that cures it.
 */
const ADVICE: { match: RegExp; advice: (url: string) => string }[] = [
  {
    match: /^403\b|forbidden ip/i,
    advice: () =>
      'The relay refuses to reach a private address: coturn’s deny list protects internal networks, and the media server (or this relay) is announced on a private address. ' +
      'Set TURN_EXTERNAL_IP and SFU_ANNOUNCED_ADDRESS to the server’s public address (see “TURN: the relay of last resort” in the README), or accept that only clients on the same network connect, directly.',
  },
  {
    match: /^401\b|unauthorized|^441\b|wrong credentials/i,
    advice: () =>
      'The relay refused Roomcast’s credentials: TURN_SECRET (or TURN_SECRET_FILE) must equal coturn’s static-auth-secret. After rotating the secret, restart both coturn and Roomcast.',
  },
  {
    match: /^438\b|stale nonce/i,
    advice: () => 'The relay asked to authenticate again mid-test. Run the test once more; if it keeps failing, check that the server’s clock is right.',
  },
  {
    match: /^486\b|quota/i,
    advice: () => 'The relay hit its per-user allocation quota (coturn’s user-quota). Raise it, or wait for older allocations to expire.',
  },
  {
    match: /^508\b|insufficient capacity/i,
    advice: () => 'The relay has no free relay ports left. Widen coturn’s min-port/max-port range and open it in the firewall.',
  },
  {
    match: /econnrefused|connection refused/i,
    advice: (url) => `Nothing answers at ${hostPort(url)}: coturn is not running, or TURN_URLS names the wrong port.`,
  },
  {
    match: /enotfound|eai_again|getaddrinfo/i,
    advice: (url) => `The relay’s host name in ${url} does not resolve: check TURN_URLS (or TURN_PUBLIC_HOST) and DNS.`,
  },
  {
    match: /certificate|self[- ]signed|altnames|ssl|tls/i,
    advice: () => 'The TLS handshake with the relay failed: its certificate must be valid (not expired, trusted) and name the host used in the turns: URL.',
  },
  {
    match: /looped packet/i,
    advice: () => 'Relays were allocated but a packet could not loop between them: the relay port range (min-port/max-port) is blocked by a firewall, or coturn’s peer rules refuse its own address.',
  },
  {
    match: /timed out|timeout|etimedout|ehostunreach|enetunreach/i,
    advice: (url) =>
      `No answer from ${hostPort(url)}: a firewall drops the traffic, or the address is unreachable from the server. Open the port (${transportWord(url)}) and check the address in TURN_URLS.`,
  },
];

function hostPort(url: string): string {
  return url.replace(/^turns?:/, '').replace(/\?.*$/, '');
}

function transportWord(url: string): string {
  return ['UDP', 'TCP', 'TLS over TCP'][turnUrlRank(url)] ?? 'UDP';
}

/** Words a person can act on for one failed probe; null when it passed. */
export function adviceFor(result: TurnProbeResult): string | null {
  if (result.ok) return null;
  const error = result.error ?? '';
  const found = ADVICE.find((a) => a.match.test(error));
  return found ? found.advice(result.url) : `The relay test failed (${error || 'no reason given'}). coturn’s log on the server says more.`;
}

/** The one-line summary above the results. */
export function selfTestSummary(result: SelfTestResponse): string {
  if (!result.configured) return 'No relay server is configured: set TURN_URLS and TURN_SECRET (npm start does both when coturn is installed).';
  const failed = result.results.filter((r) => !r.ok).length;
  if (failed === 0) return 'All relays work.';
  if (failed === result.results.length) return 'All relays failed.';
  return `${failed} of ${result.results.length} relays failed.`;
}
