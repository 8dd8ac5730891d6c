import { randomBytes } from 'node:crypto';
import type { IceServer, TurnProbeResult } from '@roomcast/shared';
import { TurnClient, TurnError } from './client.js';

/**
 * The connectivity self-test: for one TURN URL, allocate two relays, permit each other, and loop
 * one packet A → relay A → relay B → B → relay B → relay A → A. Success proves the credentials,
 * the listener, the relay port range and the peer policy all work; the loop's time is the RTT.
 */
export async function probeTurnUrl(url: string, server: Pick<IceServer, 'username' | 'credential'>, timeoutMs = 5_000): Promise<TurnProbeResult> {
  const opts = { username: server.username, password: server.credential, timeoutMs };
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
      const timer = setTimeout(() => reject(new TurnError(0, 'timed out waiting for the looped packet')), timeoutMs);
      const started = performance.now();
      a.onData = (_peer, data) => {
        if (!data.equals(token)) return;
        clearTimeout(timer);
        resolve(performance.now() - started);
      };
      a.send(relayB, token);
    });
    return { url, ok: true, rttMs: Math.round(rttMs * 100) / 100, relayedAddress: `${relayA.ip}:${relayA.port}` };
  } catch (error) {
    return { url, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Every URL in turn (not in parallel: the quotas are per user). */
export async function probeTurnUrls(urls: string[], credentials: Pick<IceServer, 'username' | 'credential'>, timeoutMs?: number): Promise<TurnProbeResult[]> {
  const results: TurnProbeResult[] = [];
  for (const url of urls) results.push(await probeTurnUrl(url, credentials, timeoutMs));
  return results;
}
