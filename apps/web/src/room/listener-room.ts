import { browserConnectionDeps } from './browser-deps';
import type { ConnectionDeps, ConnectionOptions } from './connection';
import { DataPart } from './data-part';
import { initialConnection } from './membership';
import { initialReceive, ReceivePart, type ReceiveState } from './receive-part';
import { RoomUse } from './room-use';
import { initialLinks } from './transports';
import type { ConnectionState, LinkState } from './types';

export type ListenerSnapshot = ConnectionState & LinkState & ReceiveState;

/**
 * Listening only (a DJ channel's audience): the room connection and the receive part, with data
 * channels for what the channel sends (chat). No microphone part, so no microphone prompt and
 * no send transport: joining is join, create + connect the receive transport, one resume.
 */
export class ListenerRoom extends RoomUse<ListenerSnapshot> {
  readonly data: DataPart;

  constructor(roomId: string, deps: ConnectionDeps = browserConnectionDeps, options: ConnectionOptions = {}) {
    super(roomId, { ...initialConnection(), ...initialLinks(), ...initialReceive() }, deps, { sctp: true, ...options, consume: true });
    this.connection.use(new ReceivePart(this.connection, this.store));
    this.data = new DataPart(this.connection);
    this.connection.use(this.data);
  }
}
