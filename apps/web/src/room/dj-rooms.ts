import { browserConnectionDeps } from './browser-deps';
import type { ConnectionDeps, ConnectionOptions } from './connection';
import { DataPart } from './data-part';
import { DjPart, initialDj, type DjSlice } from './dj-part';
import { initialConnection } from './membership';
import { initialReceive, ReceivePart, type ReceiveState } from './receive-part';
import { RoomUse } from './room-use';
import { initialStudio, StudioPart, type StudioSlice } from './studio-part';
import { initialLinks } from './transports';
import type { ConnectionState, LinkState } from './types';

export type DjListenerSnapshot = ConnectionState & LinkState & ReceiveState & DjSlice;
export type DjStudioSnapshot = ConnectionState & LinkState & DjSlice & StudioSlice;

/**
 * A channel's listener: listening only (no microphone part, so no prompt), the live state and
 * counts, and the chat arriving on the server's data channel.
 */
export class DjListener extends RoomUse<DjListenerSnapshot> {
  readonly dj: DjPart;
  private readonly receive: ReceivePart;

  constructor(roomId: string, deps: ConnectionDeps = browserConnectionDeps, options: ConnectionOptions = {}) {
    super(roomId, { ...initialConnection(), ...initialLinks(), ...initialReceive(), ...initialDj() }, deps, { ...options, sctp: true, consume: true });
    const data = new DataPart(this.connection);
    this.receive = new ReceivePart(this.connection, this.store);
    this.connection.use(this.receive);
    this.connection.use(data);
    this.dj = new DjPart(this.connection, this.store, data);
    this.connection.use(this.dj);
  }

  /** Lowest latency: a near-empty jitter buffer (0 ms target) instead of the browser's default. */
  setLowestLatency(on: boolean): void {
    this.receive.setJitterTarget(on ? 0 : null);
  }
}

/**
 * The broadcaster's studio: the program producer, on and off air, and the same live state and
 * chat as listeners see. It consumes no audio (its receive transport only carries chat).
 */
export class DjStudio extends RoomUse<DjStudioSnapshot> {
  readonly dj: DjPart;
  readonly studio: StudioPart;

  constructor(roomId: string, deps: ConnectionDeps = browserConnectionDeps, options: ConnectionOptions = {}) {
    super(roomId, { ...initialConnection(), ...initialLinks(), ...initialDj(), ...initialStudio() }, deps, { ...options, sctp: true, consume: false });
    const data = new DataPart(this.connection);
    this.connection.use(data);
    this.dj = new DjPart(this.connection, this.store, data);
    this.connection.use(this.dj);
    this.studio = new StudioPart(this.connection, this.store);
    this.connection.use(this.studio);
  }
}
