import { randomBytes } from 'node:crypto';
import type { IceServer, TurnProbeResult } from '@roomcast/shared';
import { TurnClient, TurnError } from './client.js';

export interface ProbeOptions {
  /** The whole probe's budget: resolving, connecting, allocating, permitting and the loop. */
  timeoutMs?: number;
  /** Passed to the TURN clients (tests inject a resolver that never answers). */
  lookup?: (host: string) => Promise<string>;
  /** Trust this CA for turns: (tests); the system CAs otherwise. */
  ca?: string | Buffer;
}

/**
 * The connectivity self-test: for one TURN URL, allocate two relays, permit each other, and loop
 * one packet A → relay A → relay B → B → relay B → relay A → A. Success proves the credentials,
 * the listener, the relay port range and the peer policy all work; the loop's time is the RTT.
 * Never throws and never outlives its budget: every failure, a timeout included, is a result.
 */
export async function probeTurnUrl(url: string, server: Pick<IceServer, 'username' | 'credential'>, options: ProbeOptions = {}): Promise<TurnProbeResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new TurnError(0, `timed out after ${timeoutMs} ms`)), timeoutMs);
  const opts = { username: server.username, password: server.credential, timeoutMs, signal: deadline.signal, lookup: options.lookup, ca: options.ca };
  const clients: TurnClient[] = [];
  try {
    const a = await TurnClient.connect(url, opts);
    clients.push(a);
    const b = await TurnClient.connect(url, opts);
    clients.push(b);
    const [relayA, relayB] = await Promise.all([a.allocate(), b.allocate()]);
    await Promise.all([a.createPermission(relayB.ip), b.createPermission(relayA.ip)]);
    b.onData = (peer, data) => b.send(peer, data); // echo
    const token = randomBytes(16);
    const rttMs = await new Promise<number>((resolve, reject) => {
      const failed = () => reject(new TurnError(0, 'timed out waiting for the looped packet'));
      if (deadline.signal.aborted) return failed();
      deadline.signal.addEventListener('abort', failed, { once: true });
      a.onFailure = b.onFailure = reject;
      const started = performance.now();
      a.onData = (_peer, data) => {
        if (data.equals(token)) resolve(performance.now() - started);
      };
      a.send(relayB, token);
    });
    return { url, ok: true, rttMs: Math.round(rttMs * 100) / 100, relayedAddress: `${relayA.ip}:${relayA.port}` };
  } catch (error) {
    return { url, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    // Releasing the allocations is bounded by the same per-request timeout.
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Every URL in turn (not in parallel: the quotas are per user). */
export async function probeTurnUrls(urls: string[], credentials: Pick<IceServer, 'username' | 'credential'>, options?: ProbeOptions): Promise<TurnProbeResult[]> {
  const results: TurnProbeResult[] = [];
  for (const url of urls) results.push(await probeTurnUrl(url, credentials, options));
  return results;
}
