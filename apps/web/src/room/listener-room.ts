import { browserConnectionDeps } from './browser-deps';
import { RoomConnection, type ConnectionDeps, type ConnectionOptions } from './connection';
import { DataPart } from './data-part';
import { initialConnection } from './membership';
import { initialReceive, ReceivePart, type ReceiveState } from './receive-part';
import { StateStore } from './state';
import { initialLinks } from './transports';
import type { ConnectionState, LinkState } from './types';

export type ListenerSnapshot = ConnectionState & LinkState & ReceiveState;

/**
 * Listening only (a DJ channel's audience): the room connection and the receive part, with data
 * channels for what the channel sends (chat). No microphone part, so no microphone prompt and
 * no send transport: joining is join, create + connect the receive transport, one resume.
 */
export class ListenerRoom {
  private readonly store = new StateStore<ListenerSnapshot>({ ...initialConnection(), ...initialLinks(), ...initialReceive() });
  readonly connection: RoomConnection;
  readonly data: DataPart;

  constructor(
    readonly roomId: string,
    deps: ConnectionDeps = browserConnectionDeps,
    options: ConnectionOptions = {},
  ) {
    this.connection = new RoomConnection(roomId, this.store, deps, { sctp: true, ...options, consume: true });
    this.connection.use(new ReceivePart(this.connection, this.store));
    this.data = new DataPart(this.connection);
    this.connection.use(this.data);
  }

  getSnapshot(): ListenerSnapshot {
    return this.store.get();
  }

  subscribe(listener: (state: ListenerSnapshot) => void): () => void {
    return this.store.subscribe(listener);
  }

  start(): void {
    this.connection.start();
  }

  retry(): void {
    this.connection.retry();
  }

  close(): void {
    this.connection.close();
    this.store.freeze();
  }
}
