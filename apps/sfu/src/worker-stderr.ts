/**
 * Puts back together the crash reports our worker's fatal-signal handler writes on stderr
 * (worker-build/patches/fatal-signal-backtrace.patch), one line at a time:
 *
 *   mediasoup-worker[<pid>] fatal signal 11 (SIGSEGV), fault address 0x0; core dump: ...; backtrace:
 *   mediasoup-worker[<pid>] #0 0x55d1... <function> at <file>:<line>
 *   mediasoup-worker[<pid>] end of backtrace
 *
 * Lines of several workers may interleave; each carries its pid.
 */
export interface CrashReport {
  pid: number;
  signal: string;
  /** "fault address 0x…" or "sent by pid N". */
  detail: string;
  /** Where the kernel puts a core dump, or why there is none. */
  core: string;
  frames: string[];
  /** False when the process ended before the handler said "end of backtrace". */
  complete: boolean;
}

export type StderrLine =
  | { kind: 'report'; report: CrashReport }
  /** Part of a report still being written. */
  | { kind: 'partial' }
  | { kind: 'other'; pid?: number; text: string };

const TAGGED = /^mediasoup-worker\[(\d+)\] (.*)$/;
const HEADER = /^fatal signal \d+ \((\w+)\)(?:, (.*?))?; (core dump: .*); backtrace:$/;
/** Frames beyond this are dropped (the handler prints at most 64). */
const MAX_FRAMES = 128;

export class WorkerStderr {
  readonly #open = new Map<number, CrashReport>();

  push(line: string): StderrLine {
    const tagged = TAGGED.exec(line);
    if (!tagged) return { kind: 'other', text: line };
    const pid = Number(tagged[1]);
    const text = tagged[2]!;
    const header = HEADER.exec(text);
    if (header) {
      this.#open.set(pid, { pid, signal: header[1]!, detail: header[2] ?? '', core: header[3]!, frames: [], complete: false });
      return { kind: 'partial' };
    }
    const report = this.#open.get(pid);
    if (!report) return { kind: 'other', pid, text };
    if (text === 'end of backtrace') {
      this.#open.delete(pid);
      return { kind: 'report', report: { ...report, complete: true } };
    }
    if (report.frames.length < MAX_FRAMES) report.frames.push(text);
    return { kind: 'partial' };
  }

  /** The process is gone: a report it did not finish, if any (the handler itself may have died). */
  flush(pid: number): CrashReport | undefined {
    const report = this.#open.get(pid);
    this.#open.delete(pid);
    return report;
  }
}
