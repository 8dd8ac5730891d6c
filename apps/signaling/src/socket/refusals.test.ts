import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RefusalLog } from './refusals.js';

function capture() {
  const lines: any[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, log };
}

describe('RefusalLog', () => {
  it('logs the first refusal per connection and code, then one summary per interval', () => {
    const { lines, log } = capture();
    let now = 0;
    const refusals = new RefusalLog(log, 60_000, () => now);
    for (let i = 0; i < 1000; i++) refusals.record('s1', 'rate_limited', { event: 'x' });
    refusals.record('s1', 'forbidden', {});
    refusals.record('s2', 'rate_limited', {});
    expect(lines.map((l) => [l.socketId, l.code])).toEqual([
      ['s1', 'rate_limited'],
      ['s1', 'forbidden'],
      ['s2', 'rate_limited'],
    ]);
    now = 60_000;
    refusals.record('s1', 'rate_limited', {});
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ msg: 'socket requests refused (summary)', refused: { rate_limited: 1000 } });
    expect(refusals.totals()).toEqual({ rate_limited: 1002, forbidden: 1 });
  });

  it('logs at most detailsPerInterval detailed lines however many connections refuse (found by the fuzzer: a client reconnecting per bad request got a line each)', () => {
    const { lines, log } = capture();
    let now = 0;
    const refusals = new RefusalLog(log, 60_000, () => now, 5);
    for (let i = 0; i < 1000; i++) refusals.record(`s${i}`, 'bad_request', {});
    expect(lines).toHaveLength(5);
    now = 60_000;
    refusals.record('late', 'bad_request', {});
    expect(lines.at(-1)).toMatchObject({ msg: 'socket requests refused (summary)', refused: { bad_request: 996 } });
    // The next interval logs details again.
    refusals.record('fresh', 'forbidden', {});
    expect(lines.at(-1)).toMatchObject({ socketId: 'fresh', code: 'forbidden' });
  });
});
