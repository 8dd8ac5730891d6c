import { describe, expect, it } from 'vitest';
import { WorkerStderr } from './worker-stderr.js';

const header = (pid: number) =>
  `mediasoup-worker[${pid}] fatal signal 11 (SIGSEGV), fault address 0x0; core dump: none (RLIMIT_CORE is 0; raise ulimit -c for the SFU to get one); backtrace:`;

describe('worker stderr crash reports', () => {
  it('puts a report back together from its lines, keeping interleaved workers apart', () => {
    const stderr = new WorkerStderr();
    expect(stderr.push(header(7))).toEqual({ kind: 'partial' });
    expect(stderr.push(header(8))).toEqual({ kind: 'partial' });
    stderr.push('mediasoup-worker[7] #0 0x55 _ZN3RTC3Foo3BarEv at ../src/RTC/Foo.cpp:12');
    stderr.push('mediasoup-worker[8] #0 0x66 main at ../src/main.cpp:40');
    stderr.push('mediasoup-worker[7] #1 0x56 main at ../src/main.cpp:40');
    expect(stderr.push('mediasoup-worker[7] end of backtrace')).toEqual({
      kind: 'report',
      report: {
        pid: 7,
        signal: 'SIGSEGV',
        detail: 'fault address 0x0',
        core: 'core dump: none (RLIMIT_CORE is 0; raise ulimit -c for the SFU to get one)',
        frames: ['#0 0x55 _ZN3RTC3Foo3BarEv at ../src/RTC/Foo.cpp:12', '#1 0x56 main at ../src/main.cpp:40'],
        complete: true,
      },
    });
    // Worker 8 died before finishing: what it wrote is still reported.
    expect(stderr.flush(8)).toMatchObject({ pid: 8, frames: ['#0 0x66 main at ../src/main.cpp:40'], complete: false });
    expect(stderr.flush(8)).toBeUndefined();
  });

  it('passes on other output: untagged lines, and tagged ones outside a report', () => {
    const stderr = new WorkerStderr();
    expect(stderr.push('(ABORT) RTC::Foo::Bar() | failed assertion')).toEqual({ kind: 'other', text: '(ABORT) RTC::Foo::Bar() | failed assertion' });
    expect(stderr.push('mediasoup-worker[9] (backtrace: no debug info)')).toEqual({ kind: 'other', pid: 9, text: '(backtrace: no debug info)' });
    expect(stderr.flush(9)).toBeUndefined();
  });

  it('reads who sent a signal that came from another process', () => {
    const stderr = new WorkerStderr();
    stderr.push('mediasoup-worker[5] fatal signal 6 (SIGABRT), sent by pid 5; core dump: kernel.core_pattern \'core\', cwd /srv; backtrace:');
    expect(stderr.flush(5)).toMatchObject({ signal: 'SIGABRT', detail: 'sent by pid 5', core: "core dump: kernel.core_pattern 'core', cwd /srv" });
  });
});
