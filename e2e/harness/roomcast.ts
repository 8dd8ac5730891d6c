import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningRoomcast {
  url: string;
  port: number;
  process: ChildProcess;
  /** Every pino log line seen so far, parsed. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line matching the predicate (already seen lines count). */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Overrides; `undefined` removes a variable so the product's own default applies. */
  env?: Record<string, string | undefined>;
  /** The command to run; defaults to the built signaling entry. */
  command?: string[];
  /** argv prefix, e.g. `ip netns exec NAME` to run the server inside a network namespace. */
  prefix?: string[];
  /** The address clients use (and HOST / SFU_LISTEN_IP / SFU_ANNOUNCED_ADDRESS when set). */
  host?: string;
  timeoutMs?: number;
}

/**
 * Starts Roomcast as a real process on free ports with its own data directory, and resolves
 * once it logs that it is up. Always call stop(): it kills the process tree and removes files.
 */
export async function startRoomcast(options: StartOptions = {}): Promise<RunningRoomcast> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roomcast-e2e-'));
  const host = options.host ?? '127.0.0.1';
  const [cmd, ...args] = [...(options.prefix ?? []), ...(options.command ?? [process.execPath, path.join(repoRoot, 'apps/signaling/dist/main.js')])];
  const child = spawn(cmd!, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutUndefined({
      ...process.env,
      HOST: host,
      PORT: String(port),
      DATA_DIR: dataDir,
      SFU_LISTEN_IP: host,
      ...(options.host ? { SFU_ANNOUNCED_ADDRESS: host } : {}),
      SFU_PORT: String(await freePort()),
      SFU_WORKERS: '1',
      LOG_LEVEL: 'info',
      ...options.env,
    }),
  });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  let output = '';
  const onLine = (line: string) => {
    output = (output + line + '\n').slice(-8000);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    logs.push(parsed);
    for (const w of waiters) if (w.match(parsed)) (waiters.delete(w), w.resolve(parsed));
  };
  readline.createInterface({ input: child.stdout! }).on('line', onLine);
  readline.createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLog: RunningRoomcast['waitForLog'] = (match, timeoutMs = 30_000) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out waiting for a log line; last output:\n${output}`));
      }, timeoutMs);
      const waiter = { match, resolve: (l: Record<string, unknown>) => (clearTimeout(timer), resolve(l)) };
      waiters.add(waiter);
      exited.then((code) => {
        if (waiters.delete(waiter)) (clearTimeout(timer), reject(new Error(`roomcast exited (${code}) before the log line; output:\n${output}`)));
      });
    });
  };

  let stopped: Promise<number | null> | undefined;
  // A server that dies mid-test would only show up as "connection refused" in a browser: say why.
  void exited.then((code) => {
    if (!stopped) console.error(`roomcast exited unexpectedly (${code}); last output:\n${output}`);
  });
  const running: RunningRoomcast = {
    url: `http://${host}:${port}`,
    port,
    process: child,
    logs,
    waitForLog,
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => killTree(child), 10_000);
          const code = await exited;
          clearTimeout(timer);
          killTree(child);
          rmSync(dataDir, { recursive: true, force: true });
          return code;
        }
        rmSync(dataDir, { recursive: true, force: true });
        return exited;
      })()),
  };
  try {
    await waitForLog((l) => l.msg === 'roomcast is up', options.timeoutMs ?? 60_000);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

/** The process group: a start script's children (node, workers) go with it. */
function killTree(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
