import { describe, expect, it } from 'vitest';
import { KeyedSerial } from './serial.js';

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedSerial', () => {
  it('runs one key’s tasks in order, one at a time, and other keys alongside', async () => {
    const serial = new KeyedSerial();
    const order: string[] = [];
    const first = gate();
    const a1 = serial.run('a', async () => {
      order.push('a1 start');
      await first.promise;
      order.push('a1 end');
    });
    const a2 = serial.run('a', async () => void order.push('a2'));
    await serial.run('b', async () => void order.push('b1'));
    expect(order).toEqual(['a1 start', 'b1']);
    expect(serial.pending('a')).toBe(2);
    first.open();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    await serial.idle('a');
    expect(serial.pending('a')).toBe(0);
  });

  it('keeps going after a task fails, and hands each caller its own result', async () => {
    const serial = new KeyedSerial();
    const failed = serial.run('k', async () => {
      throw new Error('boom');
    });
    const next = serial.run('k', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe(42);
  });
});
