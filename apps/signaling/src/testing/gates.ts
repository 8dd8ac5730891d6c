import type { SfuMethod } from '@roomcast/shared';
import type { SfuHandle } from '../sfu-link.js';

/**
 * Holds chosen SFU calls at a gate so a test can act at an exact point of an interleaving
 * (disconnect while a join waits for `room.open`, say), then lets them through. No sleeps:
 * the test waits for the call to arrive and decides when it proceeds.
 */
export class SfuGates {
  readonly #held = new Map<SfuMethod, { arrived: (() => void)[]; waiting: Promise<void>; open: () => void }>();

  /** Wrap the app's SFU control (pass as `wrapSfu`). */
  readonly wrap = (sfu: SfuHandle): SfuHandle => {
    return {
      request: (async (method: SfuMethod, params: never) => {
        const gate = this.#held.get(method);
        if (gate) {
          for (const arrived of gate.arrived.splice(0)) arrived();
          await gate.waiting;
        }
        return sfu.request(method, params);
      }) as SfuHandle['request'],
      on: ((event: never, listener: never) => sfu.on(event, listener)) as SfuHandle['on'],
      off: ((event: never, listener: never) => sfu.off(event, listener)) as SfuHandle['off'],
      close: () => sfu.close(),
    };
  };

  /** From now on, calls of `method` wait at the gate; resolves when the first one arrives. */
  hold(method: SfuMethod): { arrived: Promise<void>; release: () => void } {
    let open!: () => void;
    const waiting = new Promise<void>((resolve) => (open = resolve));
    const gate = { arrived: [] as (() => void)[], waiting, open };
    const arrived = new Promise<void>((resolve) => gate.arrived.push(resolve));
    this.#held.set(method, gate);
    return {
      arrived,
      release: () => {
        this.#held.delete(method);
        open();
      },
    };
  }
}
