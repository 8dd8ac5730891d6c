/**
 * Runs tasks one after another per key (a socket, a room), in the order they were queued.
 * A failing task does not stop the ones behind it. Keys are forgotten once their queue drains,
 * so memory follows what is in flight, not how many keys were ever seen.
 */
export class KeyedSerial {
  readonly #tails = new Map<string, { tail: Promise<unknown>; pending: number }>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const entry = this.#tails.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    entry.pending += 1;
    const result = entry.tail.then(task);
    entry.tail = result.then(
      () => this.#done(key, entry),
      () => this.#done(key, entry),
    );
    this.#tails.set(key, entry);
    return result;
  }

  /** Tasks queued or running for the key. */
  pending(key: string): number {
    return this.#tails.get(key)?.pending ?? 0;
  }

  /** Resolves once everything queued for the key so far has finished. */
  async idle(key: string): Promise<void> {
    await this.#tails.get(key)?.tail;
  }

  #done(key: string, entry: { pending: number }): void {
    entry.pending -= 1;
    if (entry.pending === 0 && this.#tails.get(key) === entry) this.#tails.delete(key);
  }
}
