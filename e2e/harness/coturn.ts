import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TurnClient, TurnError } from '@roomcast/signaling/turn';
import { repoRoot } from './roomcast.js';

export interface RunningCoturn {
  secret: string;
  port: number;
  dir: string;
  /** `turn:host:port?transport=udp` and `…tcp` for the first listening address. */
  urls: string[];
  /** The self-signed certificate (PEM) when TLS is on, to trust in clients. */
  ca: string | undefined;
  tlsAltPort: number | undefined;
  log(): string;
  stop(): Promise<void>;
}

export interface CoturnOptions {
  listenIps: string[];
  port: number;
  /** Relay port range start; 200 ports from there. */
  minPort?: number;
  /** TEST ONLY: ranges allowed despite the deny list (the test's own namespace range). */
  allowPeers?: string;
  previousSecret?: string;
  /** Reuse a secret (to restart "the same" coturn); a fresh one otherwise. */
  secret?: string;
  /** Enables turns: on this port with a fresh self-signed certificate (CN = publicHost). */
  tlsPort?: number;
  /** A second TLS listener (alt-tls-listening-port), as 443 would be in production. */
  tlsAltPort?: number;
  /** Command prefix, e.g. `ip netns exec NAME` to run coturn inside a namespace. */
  prefix?: string[];
  /** The address clients dial (default: listenIps[0]). */
  publicHost?: string;
  /** Readiness check for a coturn the test process cannot reach (inside a namespace). */
  ready?: () => boolean;
}

/**
 * Our own coturn, rendered from the production template by infra/coturn/start.sh into a fresh
 * directory with a fresh secret, on the given port. Ready when it answers an unauthenticated
 * Allocate with 401, or when `ready()` says so (bounded: 50 tries, 100 ms apart).
 */
export async function startCoturn(options: CoturnOptions): Promise<RunningCoturn> {
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-coturn-'));
  const secret = options.secret ?? randomBytes(24).toString('base64');
  const minPort = options.minPort ?? 50_000 + Math.floor(Math.random() * 70) * 200;
  const host = options.publicHost ?? options.listenIps[0]!;
  const tls = options.tlsPort ? selfSigned(dir, host) : undefined;
  const env = {
    ...process.env,
    ...(tls ? { TURN_TLS_CERT: tls.cert, TURN_TLS_KEY: tls.key, TURN_TLS_PORT: String(options.tlsPort), TURN_TLS_ALT_PORT: options.tlsAltPort ? String(options.tlsAltPort) : '' } : {}),
    TURN_DIR: dir,
    TURN_SECRET: secret,
    TURN_SECRET_PREVIOUS: options.previousSecret ?? '',
    TURN_PORT: String(options.port),
    TURN_LISTEN_IP: options.listenIps.join(','),
    TURN_MIN_PORT: String(minPort),
    TURN_MAX_PORT: String(minPort + 199),
    TURN_ALLOW_PEERS: options.allowPeers ?? '',
  };
  const [cmd, ...args] = [...(options.prefix ?? []), 'bash', path.join(repoRoot, 'infra/coturn/start.sh')];
  const child: ChildProcess = spawn(cmd!, args, { env, stdio: 'ignore', detached: true });
  const fmt = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const urls = [`turn:${fmt(host)}:${options.port}?transport=udp`, `turn:${fmt(host)}:${options.port}?transport=tcp`];
  if (options.tlsPort) urls.push(`turns:${fmt(host)}:${options.tlsPort}?transport=tcp`);
  const log = () => {
    try {
      return readFileSync(path.join(dir, 'turnserver.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const answers401 = async (): Promise<boolean> => {
    const client = await TurnClient.connect(urls[0]!, { timeoutMs: 300 }).catch(() => null);
    if (!client) return false;
    try {
      await client.allocate();
      return true; // no credentials needed?! the tests will say so
    } catch (error) {
      return error instanceof TurnError && error.code === 401;
    } finally {
      await client.close();
    }
  };
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`coturn exited with ${child.exitCode}:\n${log()}`);
    }
    if (options.ready ? options.ready() : await answers401()) break;
    if (attempt >= 50) {
      await stop();
      throw new Error(`coturn did not come up on ${urls[0]}:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { secret, port: options.port, dir, urls, log, stop, ca: tls ? readFileSync(tls.cert, 'utf8') : undefined, tlsAltPort: options.tlsAltPort };
}

/** A throwaway certificate for the test's TLS listener (openssl, 1 day, key never leaves `dir`). */
function selfSigned(dir: string, host: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const san = /^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}
