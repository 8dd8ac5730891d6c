import { Device, ortc, version, type types } from 'mediasoup-client';

type Direction = 'sendonly' | 'recvonly';
type Remembered = { id: string } & Partial<Record<Direction, types.RtpCapabilities>>;

const STORAGE_KEY = 'roomcast:native-rtp-capabilities';

/**
 * A mediasoup device whose load() does not make the browser negotiate with itself on every
 * visit. load() asks for the browser's native RTP capabilities by creating an RTCPeerConnection
 * and an offer per direction: 100–400 ms on a busy two-core machine, right on the join's
 * critical path (`pnpm bench:join`, "answer → device loaded"). The answer depends only on the
 * browser build and the handler, so it is kept in localStorage under that identity and a
 * returning visitor's device loads from it; anything else (first visit, a browser update, no
 * storage) asks the browser, once, as before.
 */
export async function createDevice(storage: Storage | null = localStorageOrNull()): Promise<Device> {
  const detected = await Device.factory();
  // mediasoup-client keeps the detected handler's factory private; without it (another
  // version), the detected device is used as it is.
  const handler = (detected as unknown as { _handlerFactory?: types.HandlerFactory })._handlerFactory;
  if (!handler || !storage) return detected;
  return new Device({ handlerFactory: rememberingCapabilities(handler, storage, `${version} ${handler.name} ${navigator.userAgent}`) });
}

/** `handler`, with its native capabilities read from `storage` when they were stored for `id`. */
export function rememberingCapabilities(handler: types.HandlerFactory, storage: Storage, id: string): types.HandlerFactory {
  // Read once: load() asks for both directions, one after the other.
  let remembered: Remembered = read(storage, id) ?? { id };
  return {
    name: handler.name,
    factory: handler.factory,
    async getNativeRtpCapabilities(options) {
      const direction = options.direction as Direction;
      const known = remembered[direction];
      if (known) return known;
      const asked = await handler.getNativeRtpCapabilities(options);
      remembered = { ...remembered, [direction]: asked };
      write(storage, remembered);
      return asked;
    },
  };
}

/** What is stored for `id`, each direction checked the way load() checks the browser's own; null when nothing usable is. */
function read(storage: Storage, id: string): Remembered | null {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Remembered | null;
    if (value?.id !== id) return null;
    const usable: Remembered = { id };
    for (const direction of ['sendonly', 'recvonly'] as const) {
      const caps = value[direction];
      if (!caps) continue;
      ortc.validateAndNormalizeRtpCapabilities(structuredClone(caps));
      usable[direction] = caps;
    }
    return usable;
  } catch {
    return null;
  }
}

function write(storage: Storage, value: Remembered): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(value));
  } catch {
    // Full or refused storage: the next visit asks the browser again.
  }
}

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
