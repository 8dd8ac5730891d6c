/**
 * One immutable snapshot shared by a room connection and its media parts. Each part is handed
 * the store typed as its own slice (`StateHost<Slice>`), so it can read and patch only its
 * fields, while the page subscribes to the whole.
 */
export interface StateHost<S> {
  get(): Readonly<S>;
  update(patch: Partial<S>): void;
}

export class StateStore<S extends object> implements StateHost<S> {
  private state: S;
  private readonly listeners = new Set<(state: S) => void>();
  private frozen = false;

  constructor(initial: S) {
    this.state = initial;
  }

  get(): S {
    return this.state;
  }

  /** Replaces the snapshot (never mutates it) and tells every subscriber; a no-op once frozen. */
  update(patch: Partial<S>): void {
    if (this.frozen) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  subscribe(listener: (state: S) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After close: the last snapshot stays readable, nothing changes it any more. */
  freeze(): void {
    this.frozen = true;
    this.listeners.clear();
  }
}
