import { spawn } from 'node:child_process';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { WorkerStderr, type CrashReport } from './worker-stderr.js';

// mediasoup's Node side reads every worker's stderr and hands each line, without the worker's
// pid, to one process-wide error listener; by default nothing shows it. Our worker build prints
// a symbolised backtrace there when a fatal signal kills it (worker-build/patches/
// fatal-signal-backtrace.patch), each line tagged with its pid: this puts those reports, and any
// other stderr output (MS_ABORT messages, sanitizer reports), into the SFU's own log.

const parser = new WorkerStderr();
/** Live and just-dead workers by pid: where their reports go. */
const watched = new Map<number, Logger>();
let installed = false;

/** Sends what `worker` writes on stderr to `log`, until its process is gone. */
export function logWorkerOutput(worker: types.Worker, log: Logger): void {
  if (!installed) {
    installed = true;
    mediasoup.setLogEventListeners({
      onerror: (namespace, line) => {
        if (namespace.endsWith(':Worker') && line.startsWith('(stderr) ')) onStderrLine(line.slice('(stderr) '.length));
      },
    });
  }
  const pid = worker.pid;
  watched.set(pid, log);
  // Fired once the process has exited and its stderr has been read to the end.
  worker.once('subprocessclose', () => {
    const unfinished = parser.flush(pid);
    if (unfinished) void logCrash(log, unfinished);
    watched.delete(pid);
  });
}

function onStderrLine(line: string): void {
  const result = parser.push(line);
  if (result.kind === 'report') {
    const log = watched.get(result.report.pid);
    if (log) void logCrash(log, result.report);
  } else if (result.kind === 'other') {
    // Not tagged (a sanitizer report, an MS_ABORT message): each SFU in this process sees it.
    const logs = result.pid === undefined ? new Set(watched.values()) : [watched.get(result.pid)].filter((l) => l !== undefined);
    for (const log of logs) log.warn({ workerPid: result.pid, line: result.text }, 'sfu worker stderr');
  }
}

async function logCrash(log: Logger, report: CrashReport): Promise<void> {
  log.error(
    { workerPid: report.pid, signal: report.signal, detail: report.detail, core: report.core, complete: report.complete, backtrace: await demangle(report.frames) },
    'sfu worker crashed: backtrace',
  );
}

/** C++ names as people read them, when binutils' c++filt is installed; otherwise as they are. */
function demangle(frames: string[]): Promise<string[]> {
  if (frames.length === 0) return Promise.resolve(frames);
  return new Promise((resolve) => {
    let out = '';
    const child = spawn('c++filt', [], { stdio: ['pipe', 'pipe', 'ignore'], timeout: 5000 });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', () => resolve(frames));
    child.on('close', (code) => {
      const lines = out.split('\n').slice(0, frames.length);
      resolve(code === 0 && lines.length === frames.length ? lines : frames);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(frames.join('\n') + '\n');
  });
}
