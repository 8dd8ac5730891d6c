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
});
