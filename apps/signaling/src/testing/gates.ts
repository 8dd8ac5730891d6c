import type { SfuMethod } from '@roomcast/shared';
import type { SfuHandle } from '../sfu-link.js';

interface Gate {
  arrived: () => void;
  settled: () => void;
  waiting: Promise<void>;
}

/**
 * Holds chosen SFU calls at a gate so a test can act at an exact point of an interleaving
 * (disconnect while a join waits for `room.open`, say), then lets them through. No sleeps:
 * the test waits for the call to arrive, decides when it proceeds, and can wait for it to end.
 */
export class SfuGates {
  readonly #held = new Map<SfuMethod, Gate>();

  /** Wrap the app's SFU control (pass as `wrapSfu`). */
  readonly wrap = (sfu: SfuHandle): SfuHandle => ({
    request: (async (method: SfuMethod, params: never) => {
      const gate = this.#held.get(method);
      if (!gate) return sfu.request(method, params);
      gate.arrived();
      await gate.waiting;
      try {
        return await sfu.request(method, params);
      } finally {
        gate.settled();
      }
    }) as SfuHandle['request'],
    on: ((event: never, listener: never) => sfu.on(event, listener)) as SfuHandle['on'],
    off: ((event: never, listener: never) => sfu.off(event, listener)) as SfuHandle['off'],
    close: () => sfu.close(),
  });

  /**
   * From now on, calls of `method` wait at the gate until `release`. `arrived` resolves when the
   * first one reaches it, `settled` when that call has been answered by the SFU.
   */
  hold(method: SfuMethod): { arrived: Promise<void>; settled: Promise<void>; release: () => void } {
    let open!: () => void;
    let arrived!: () => void;
    let settled!: () => void;
    const gate: Gate = {
      waiting: new Promise<void>((resolve) => (open = resolve)),
      arrived: () => arrived(),
      settled: () => settled(),
    };
    const result = {
      arrived: new Promise<void>((resolve) => (arrived = resolve)),
      settled: new Promise<void>((resolve) => (settled = resolve)),
      release: () => {
        this.#held.delete(method);
        open();
      },
    };
    this.#held.set(method, gate);
    return result;
  }
}
