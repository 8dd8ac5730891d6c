import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * "No direct path" on one machine: network namespaces made by the test itself.
 *
 *   A (10.200.1.2) ──veth── T ──veth── B (10.200.2.2)
 *                      10.200.0.1 on T's lo ("public")
 *
 * A and B route everything via T; T does not forward (ip_forward=0), so A and B reach T's
 * services (signaling, SFU, coturn) but never each other. All addresses live inside these
 * namespaces; nothing touches the host's interfaces. Names are unique per process and run.
 */
export const PUBLIC_IP = '10.200.0.1';
export const NAMESPACE_RANGE = '10.200.0.0-10.200.255.255';

export const isRoot = (): boolean => process.getuid?.() === 0;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });

export interface Topology {
  t: string;
  a: string;
  b: string;
  addr: { a: string; b: string };
  /** argv prefix that runs a command inside a namespace. */
  prefix(ns: string): string[];
  run(ns: string, ...cmd: string[]): string;
  /** A chromium launcher that starts the browser inside `ns` (for playwright's executablePath). */
  chromium(ns: string): string;
  /** Policy routing rules that make UDP (or one port on T) unreachable from `ns`. */
  blockUdp(ns: string): void;
  unblockUdp(ns: string): void;
  blockPort(ns: string, port: number): void;
  teardown(): void;
}

let counter = 0;

export function createTopology(): Topology {
  const id = `rc${process.pid % 100_000}x${counter++}`;
  const [t, a, b] = [`${id}t`, `${id}a`, `${id}b`];
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-netns-'));
  const made: string[] = [];
  const teardown = () => {
    for (const ns of made.splice(0)) {
      try {
        ip('netns', 'del', ns); // also destroys the veths inside it
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
    // `ip netns add` mounted /run/netns; unmount it only if nobody else has a namespace there.
    try {
      if (existsSync('/run/netns') && readdirSync('/run/netns').length === 0) {
        execFileSync('umount', ['/run/netns'], { stdio: 'ignore' });
        rmSync('/run/netns', { recursive: true, force: true });
      }
    } catch {
      // still in use, or not a mount
    }
  };
  try {
    for (const ns of [t, a, b]) {
      ip('netns', 'add', ns);
      made.push(ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('-n', t, 'addr', 'add', `${PUBLIC_IP}/32`, 'dev', 'lo');
    execFileSync('ip', ['netns', 'exec', t, 'sysctl', '-qw', 'net.ipv4.ip_forward=0'], { stdio: 'ignore' });
    for (const [ns, side, subnet] of [[a, 'a', 1], [b, 'b', 2]] as const) {
      const inner = `${id}${side}0`;
      const outer = `${id}${side}1`;
      // Created directly inside the namespaces: the host never holds the veth, even briefly.
      ip('-n', ns, 'link', 'add', inner, 'type', 'veth', 'peer', 'name', outer, 'netns', t);
      ip('-n', t, 'addr', 'add', `10.200.${subnet}.1/24`, 'dev', outer);
      ip('-n', t, 'link', 'set', outer, 'up');
      ip('-n', ns, 'addr', 'add', `10.200.${subnet}.2/24`, 'dev', inner);
      ip('-n', ns, 'link', 'set', inner, 'up');
      ip('-n', ns, 'route', 'add', 'default', 'via', `10.200.${subnet}.1`);
    }
  } catch (error) {
    teardown();
    throw error;
  }
  const prefix = (ns: string) => ['ip', 'netns', 'exec', ns];
  return {
    t,
    a,
    b,
    addr: { a: '10.200.1.2', b: '10.200.2.2' },
    prefix,
    run: (ns, ...cmd) => execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: 10_000 }),
    chromium: (ns) => {
      const file = path.join(dir, `chromium-${ns}`);
      writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    },
    blockUdp: (ns) => ip('-n', ns, 'rule', 'add', 'ipproto', 'udp', 'prohibit'),
    unblockUdp: (ns) => ip('-n', ns, 'rule', 'del', 'ipproto', 'udp', 'prohibit'),
    blockPort: (ns, port) => ip('-n', ns, 'rule', 'add', 'to', PUBLIC_IP, 'dport', String(port), 'prohibit'),
    teardown,
  };
}

/** True when something in `ns` listens on `port` over both UDP and TCP (readiness, no sleeps). */
export function listening(topology: Topology, ns: string, port: number, protocols: ('udp' | 'tcp')[] = ['udp', 'tcp']): boolean {
  return protocols.every((p) => topology.run(ns, 'ss', '-Hln', p === 'udp' ? '-u' : '-t', `sport = :${port}`).trim().length > 0);
}

/** Whether a TCP connection from `ns` to host:port succeeds within 3 s (bounded; for reachability asserts). */
export function canConnect(topology: Topology, ns: string, host: string, port: number): boolean {
  try {
    topology.run(ns, 'timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`);
    return true;
  } catch {
    return false;
  }
}
