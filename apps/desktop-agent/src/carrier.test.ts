import { describe, expect, it } from 'vitest';
import { LIMITS } from '@roomcast/shared';
import { RelayCarrier } from './carrier.js';

const CHUNK = LIMITS.library.chunkBytes;

describe('RelayCarrier', () => {
  it('streams waiting at once never put more than the window in flight (the server would refuse a frame, ending the session)', async () => {
    const acks: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    let broken = false;
    const carrier = new RelayCarrier(
      (data) => {
        inFlight += typeof data === 'string' ? data.length : data.byteLength;
        most = Math.max(most, inFlight);
        const size = typeof data === 'string' ? data.length : data.byteLength;
        return new Promise((resolve) => acks.push(() => ((inFlight -= size), resolve(true))));
      },
      () => (broken = true),
    );
    // Three streams (two reads and a cover, say), 40 chunks each, one of them stopping half way.
    const stream = async (chunks: number, stopAt = Infinity) => {
      for (let i = 0; i < chunks; i++) {
        await carrier.ready();
        if (i === stopAt) return carrier.release();
        carrier.sendBinary(new Uint8Array(CHUNK + 4));
      }
    };
    let finished = false;
    const all = Promise.all([stream(40), stream(40), stream(40, 20)]).then(() => (finished = true));
    // The browser acknowledges frames a few at a time, as they come.
    for (let round = 0; round < 2000 && !finished; round++) {
      for (const ack of acks.splice(0, 3)) ack();
      await new Promise((r) => setImmediate(r));
    }
    await all;
    expect(broken).toBe(false);
    expect(most).toBeLessThanOrEqual(LIMITS.library.relayWindowBytes);
    expect(most).toBeGreaterThan(LIMITS.library.relayWindowBytes / 2);
  });
});
