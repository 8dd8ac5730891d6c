import { RoomConnection, type ConnectionDeps, type ConnectionOptions } from './connection';
import { StateStore } from './state';
import type { ConnectionState, LinkState } from './types';

/**
 * What every use of a room (voice room, DJ listener, watch party) is from the page's side: one
 * snapshot to render and subscribe to, and the connection's life — start, retry, close. Each
 * use adds its media parts to `connection` in its constructor, before start().
 */
export class RoomUse<S extends ConnectionState & LinkState> {
  protected readonly store: StateStore<S>;
  readonly connection: RoomConnection;

  constructor(
    readonly roomId: string,
    initial: S,
    deps: ConnectionDeps,
    options: ConnectionOptions,
  ) {
    this.store = new StateStore<S>(initial);
    this.connection = new RoomConnection(roomId, this.store, deps, options);
  }

  getSnapshot(): S {
    return this.store.get();
  }

  subscribe(listener: (state: S) => void): () => void {
    return this.store.subscribe(listener);
  }

  start(): void {
    this.connection.start();
  }

  retry(): void {
    this.connection.retry();
  }

  /** Leaves the room and releases everything (a microphone too). Idempotent. */
  close(): void {
    this.connection.close();
    this.store.freeze();
  }
}
