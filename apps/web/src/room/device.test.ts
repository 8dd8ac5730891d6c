import { testFakeParameters, type types } from 'mediasoup-client';
import { describe, expect, it } from 'vitest';
import { rememberingCapabilities } from './device';

/** localStorage's contract, in memory. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

/** A handler that counts how often the browser is asked. */
function countingHandler() {
  const asked: string[] = [];
  const handler: types.HandlerFactory = {
    name: 'Test',
    factory: () => {
      throw new Error('not used');
    },
    async getNativeRtpCapabilities({ direction }) {
      asked.push(direction);
      return testFakeParameters.generateNativeRtpCapabilities();
    },
  };
  return { handler, asked };
}

describe('remembered native RTP capabilities', () => {
  it('asks the browser once per direction, then answers from storage on the next visit', async () => {
    const storage = new MemoryStorage();
    const first = countingHandler();
    const visit1 = rememberingCapabilities(first.handler, storage, 'chromium 140');
    const recv = await visit1.getNativeRtpCapabilities({ direction: 'recvonly' });
    await visit1.getNativeRtpCapabilities({ direction: 'sendonly' });
    expect(first.asked).toEqual(['recvonly', 'sendonly']);

    const second = countingHandler();
    const visit2 = rememberingCapabilities(second.handler, storage, 'chromium 140');
    expect(await visit2.getNativeRtpCapabilities({ direction: 'recvonly' })).toEqual(recv);
    await visit2.getNativeRtpCapabilities({ direction: 'sendonly' });
    expect(second.asked).toEqual([]);
  });

  it('asks again after a browser update, and replaces what was stored', async () => {
    const storage = new MemoryStorage();
    await rememberingCapabilities(countingHandler().handler, storage, 'chromium 140').getNativeRtpCapabilities({ direction: 'recvonly' });
    const updated = countingHandler();
    await rememberingCapabilities(updated.handler, storage, 'chromium 141').getNativeRtpCapabilities({ direction: 'recvonly' });
    expect(updated.asked).toEqual(['recvonly']);
    expect(storage.length).toBe(1);
  });

  it('ignores what is not valid capabilities (edited or corrupted storage) and asks the browser', async () => {
    const storage = new MemoryStorage();
    for (const stored of ['{not json', JSON.stringify({ id: 'chromium 140', recvonly: { codecs: 'nonsense' } })]) {
      storage.setItem('roomcast:native-rtp-capabilities', stored);
      const fresh = countingHandler();
      const caps = await rememberingCapabilities(fresh.handler, storage, 'chromium 140').getNativeRtpCapabilities({ direction: 'recvonly' });
      expect(fresh.asked).toEqual(['recvonly']);
      expect(caps.codecs?.length).toBeGreaterThan(0);
    }
  });
});
