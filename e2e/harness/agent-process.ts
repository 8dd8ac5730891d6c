import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from './roomcast.js';

export interface RunningAgentProcess {
  process: ChildProcess;
  /** Resolves with the first output line matching `re` (lines already seen count). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  output(): string;
  /** SIGKILL (a crash, not a clean stop) or SIGTERM; resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `roomcast-agent start` as a real process (the built bin), with its own config file naming the
 * server, the token and the shared folders; `prefix` runs it elsewhere (inside a network
 * namespace). The caller removes nothing: stop() deletes the config folder and its index.
 */
export function startAgentProcess(options: { server: string; token: string; folders: string[]; prefix?: string[]; args?: string[]; configDir?: string }): RunningAgentProcess {
  const dir = options.configDir ?? mkdtempSync(path.join(tmpdir(), 'roomcast-agent-proc-'));
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ server: options.server, token: options.token, name: 'Agent', folders: options.folders }), { mode: 0o600 });
  const [cmd, ...argv] = [...(options.prefix ?? []), process.execPath, path.join(repoRoot, 'apps/desktop-agent/bin/roomcast-agent.js'), '--config', config, 'start', ...(options.args ?? [])];
  const child = spawn(cmd!, argv, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve: (line: string) => void }>();
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of waiters) if (w.re.test(line)) (waiters.delete(w), w.resolve(line));
  };
  readline.createInterface({ input: child.stdout! }).on('line', onLine);
  readline.createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => lines.join('\n'),
    waitForLine: (re, timeoutMs = 30_000) => {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`agent never printed ${re}; output:\n${lines.join('\n')}`));
        }, timeoutMs);
        const waiter = { re, resolve: (l: string) => (clearTimeout(timer), resolve(l)) };
        waiters.add(waiter);
      });
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // gone
          }
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.configDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
