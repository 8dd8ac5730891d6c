import { EventEmitter, once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SfuEvents } from '@roomcast/shared';
import { SfuConfig } from './config.js';
import { LocalSfuControl } from './control.js';
import { SfuServer } from './server.js';

/** The SFU's log, as JSON entries, with an event per entry so a test waits on what it expects. */
class CapturedLog extends EventEmitter<{ entry: [Record<string, unknown>] }> {
  readonly entries: Record<string, unknown>[] = [];
  readonly logger = pino({ level: 'info' }, { write: (line: string) => this.#add(JSON.parse(line) as Record<string, unknown>) });

  #add(entry: Record<string, unknown>): void {
    this.entries.push(entry);
    this.emit('entry', entry);
  }

  async waitFor(match: (e: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const seen = this.entries.find(match);
    if (seen) return seen;
    const signal = AbortSignal.timeout(timeoutMs);
    for await (const [entry] of EventEmitter.on(this, 'entry', { signal })) if (match(entry as Record<string, unknown>)) return entry as Record<string, unknown>;
    throw new Error('unreachable');
  }
}

let log: CapturedLog;
let server: SfuServer;
let control: LocalSfuControl;

beforeAll(async () => {
  log = new CapturedLog();
  server = await SfuServer.create(SfuConfig.parse({ workers: 1, listenIp: '127.0.0.1', port: 0 }), log.logger);
  control = new LocalSfuControl(server);
});
afterAll(() => server?.close());

describe('a worker killed by SIGSEGV', () => {
  it('leaves a symbolised backtrace in the SFU log, and the SFU recovers as after any worker death', async () => {
    await control.request('room.open', { roomId: 'crash' });
    await control.request('transport.create', { roomId: 'crash', peerId: 'a', direction: 'send' });
    const [oldPid] = server.workerPids;
    const resets: SfuEvents['roomReset'][] = [];
    control.on('roomReset', (e) => resets.push(e));
    const respawned = once(server, 'workerRespawned');
    const report = log.waitFor((e) => e.msg === 'sfu worker crashed: backtrace' && e.workerPid === oldPid);

    process.kill(oldPid!, 'SIGSEGV');

    const entry = await report;
    expect(entry).toMatchObject({ level: 50, signal: 'SIGSEGV', detail: `sent by pid ${process.pid}`, complete: true, core: expect.stringMatching(/^core dump: /) });
    const backtrace = entry.backtrace as string[];
    // Where the signal found the worker: waiting in libuv's loop, under main(), with the files
    // and lines of the worker's own sources (its -g1 line tables) and C++ names demangled.
    expect(backtrace.join('\n')).toMatch(/ uv_run\b/);
    expect(backtrace.join('\n')).toMatch(/ DepLibUV::RunLoop\(\) at \S*src\/DepLibUV\.cpp:\d+/);
    expect(backtrace.join('\n')).toMatch(/ mediasoup_worker_run at \S*src\/lib\.cpp:\d+/);
    expect(backtrace.join('\n')).toMatch(/ main at \S*src\/main\.cpp:\d+/);
    // The death itself is logged as before, with the signal.
    expect(await log.waitFor((e) => e.msg === 'sfu worker died; respawning' && e.workerPid === oldPid)).toMatchObject({ err: expect.stringContaining('signal:SIGSEGV') });

    // Recovery is unchanged: a new worker, the room reset and usable again.
    const [info] = (await respawned) as [{ pid: number; rooms: number }];
    expect(info.pid).not.toBe(oldPid);
    expect(server.workerPids).toEqual([info.pid]);
    expect(resets.map((r) => r.roomId)).toEqual(['crash']);
    const fresh = await control.request('transport.create', { roomId: 'crash', peerId: 'a', direction: 'send' });
    expect(fresh.iceCandidates.length).toBeGreaterThan(0);
  });
});
