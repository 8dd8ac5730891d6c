import { describe, expect, it } from 'vitest';
import { ACK_EVERY_BYTES, LIMITS } from '@roomcast/shared';
import type { DataChannel } from 'node-datachannel';
import { DATA_CHANNEL_WINDOW, DataChannelCarrier, RELAY_WINDOW, RelayCarrier } from './carrier.js';

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
    expect(most).toBeLessThanOrEqual(RELAY_WINDOW);
    expect(RELAY_WINDOW).toBeLessThanOrEqual(LIMITS.library.relayWindowBytes);
    expect(most).toBeGreaterThan(RELAY_WINDOW / 2);
  });
});

/** The part of a node-datachannel channel the carrier uses: sends are counted, nothing is queued. */
function fakeChannel() {
  const sent: Uint8Array[] = [];
  const channel = {
    setBufferedAmountLowThreshold: () => {},
    onBufferedAmountLow: () => {},
    onClosed: () => {},
    isOpen: () => true,
    bufferedAmount: () => 0,
    sendMessage: () => true,
    sendMessageBinary: (bytes: Uint8Array) => (sent.push(bytes), true),
  };
  return { channel: channel as unknown as DataChannel, sent };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('DataChannelCarrier', () => {
  it('once the listener acks, streams waiting at once never have more than the window unacknowledged', async () => {
    const { channel, sent } = fakeChannel();
    const carrier = new DataChannelCarrier(channel);
    carrier.acked(0);
    let most = 0;
    const stream = async (chunks: number) => {
      for (let i = 0; i < chunks; i++) {
        await carrier.ready(i === 0);
        carrier.sendBinary(new Uint8Array(CHUNK + 4));
        most = Math.max(most, carrier.unacked);
      }
    };
    let finished = false;
    const all = Promise.all([stream(30), stream(30), stream(30)]).then(() => (finished = true));
    // The listener acknowledges what it received, a chunk at a time, as it comes.
    let received = 0;
    for (let round = 0; round < 5000 && !finished; round++) {
      await settle();
      const next = sent.shift();
      if (next) carrier.acked((received += next.byteLength));
    }
    await all;
    expect(most).toBeLessThanOrEqual(DATA_CHANNEL_WINDOW);
    expect(most).toBeGreaterThan(DATA_CHANNEL_WINDOW / 2);
  });

  it('always has room for a chunk beside the bytes a listener has received and not acked yet', () => {
    // A listener acks every ACK_EVERY_BYTES, so up to one byte less stays unacked after a short
    // chunk; a window smaller than that plus a chunk would wait for an ack that never comes.
    expect(DATA_CHANNEL_WINDOW).toBeGreaterThanOrEqual(ACK_EVERY_BYTES - 1 + CHUNK + 4);
  });

  it('a listener that never acks is held by the send buffer only (an older page keeps working)', async () => {
    const { channel, sent } = fakeChannel();
    const carrier = new DataChannelCarrier(channel);
    for (let i = 0; i < 40; i++) {
      await carrier.ready();
      carrier.sendBinary(new Uint8Array(CHUNK + 4));
    }
    expect(sent.length).toBe(40);
  });

  it("a read's first chunk goes ahead of chunks already waiting for room", async () => {
    const { channel } = fakeChannel();
    const carrier = new DataChannelCarrier(channel);
    carrier.acked(0);
    // Fill the window.
    while (carrier.unacked + CHUNK + 4 <= DATA_CHANNEL_WINDOW) {
      await carrier.ready();
      carrier.sendBinary(new Uint8Array(CHUNK + 4));
    }
    const order: string[] = [];
    const old = carrier.ready().then(() => order.push('old'));
    const seek = carrier.ready(true).then(() => order.push('seek'));
    await settle();
    expect(order).toEqual([]);
    // One chunk's room: the seek's first chunk takes it.
    carrier.acked(CHUNK + 4);
    await seek;
    expect(order).toEqual(['seek']);
    carrier.sendBinary(new Uint8Array(CHUNK + 4));
    carrier.acked(carrier.unacked + 2 * (CHUNK + 4));
    await old;
    expect(order).toEqual(['seek', 'old']);
  });
});
