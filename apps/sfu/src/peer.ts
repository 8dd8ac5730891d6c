import { LIMITS, RoomcastError, type SfuResult } from '@roomcast/shared';
import type { types } from 'mediasoup';
import type { Home } from './fanout.js';

/** What one peer may hold, by the name `LIMITS.perPeer` caps it with. */
export interface PeerItems {
  transports: types.WebRtcTransport;
  producers: types.Producer;
  consumers: types.Consumer;
  dataProducers: types.DataProducer;
  dataConsumers: types.DataConsumer;
}
export type PeerKind = keyof PeerItems;

/** Slots held for objects still being created, so concurrent requests cannot overshoot a cap. */
export interface Reservation<K extends PeerKind> {
  /** Tracks a created object (using one slot); closes it and throws if the peer closed meanwhile. */
  adopt(item: PeerItems[K], parent?: { closed: boolean }): PeerItems[K];
  /** Gives back the slots not used; idempotent. */
  release(): void;
}

type Inspection = SfuResult<'room.inspect'>['peers'][number];

/**
 * One participant's media objects inside one room. Closing a transport closes what was made
 * on it (mediasoup does that); this class keeps the lookups, checks ownership (a client can
 * never touch another peer's transport by guessing an id) and enforces `LIMITS.perPeer`.
 * Once closed it closes anything a late request still hands it, so nothing outlives a leave.
 */
export class SfuPeer {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataProducers = new Map<string, types.DataProducer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();
  /** The receive transport the SFU creates this peer's consumers on, with the device's capabilities. */
  consuming: { transport: types.WebRtcTransport; rtpCapabilities: types.RtpCapabilities } | undefined;
  /** The router serving this peer's consumers (main or an edge), once it listens. */
  home: Home | undefined;
  /** Producers a `consumer.createMany` is consuming right now: a concurrent call skips them. */
  readonly consumingNow = new Set<string>();
  readonly #pending: Record<PeerKind, number> = { transports: 0, producers: 0, consumers: 0, dataProducers: 0, dataConsumers: 0 };
  #closed = false;

  constructor(readonly id: string) {}

  get closed(): boolean {
    return this.#closed;
  }

  transport(id: string): types.WebRtcTransport {
    return found(this.transports.get(id), 'transport', id);
  }

  producer(id: string): types.Producer {
    return found(this.producers.get(id), 'producer', id);
  }

  consumer(id: string): types.Consumer {
    return found(this.consumers.get(id), 'consumer', id);
  }

  /** Whether this peer already consumes (or is about to consume) the producer. */
  consumes(producerId: string): boolean {
    if (this.consumingNow.has(producerId)) return true;
    for (const consumer of this.consumers.values()) if (consumer.producerId === producerId) return true;
    return false;
  }

  /** The receive transport with capabilities becomes the one consumers are created on. */
  consumeWith(transport: types.WebRtcTransport, rtpCapabilities: types.RtpCapabilities): void {
    this.consuming = { transport, rtpCapabilities };
    transport.observer.once('close', () => {
      if (this.consuming?.transport === transport) this.consuming = undefined;
    });
  }

  /**
   * Holds `count` slots of `kind` before the caller awaits the worker, counting objects still
   * being created: 5,000 concurrent requests get the cap, not 5,000 transports.
   */
  reserve<K extends PeerKind>(kind: K, count = 1): Reservation<K> {
    this.#assertOpen();
    const cap = LIMITS.perPeer[kind];
    if (this[kind].size + this.#pending[kind] + count > cap) {
      throw new RoomcastError('limit_exceeded', `a peer may hold at most ${cap} ${kind}`);
    }
    this.#pending[kind] += count;
    let left = count;
    const use = () => {
      if (left > 0) {
        left--;
        this.#pending[kind]--;
      }
    };
    return {
      adopt: (item, parent) => {
        use();
        return this.#adopt(kind, item, parent);
      },
      release: () => {
        this.#pending[kind] -= left;
        left = 0;
      },
    };
  }

  /** Reserves a slot, creates the object, tracks it; a failure while the peer closed is `not_in_room`. */
  async create<K extends PeerKind>(kind: K, make: () => Promise<PeerItems[K]>, parent?: { closed: boolean }): Promise<PeerItems[K]> {
    const slot = this.reserve(kind);
    try {
      return slot.adopt(await make(), parent);
    } catch (error) {
      this.#assertOpen();
      throw error;
    } finally {
      slot.release();
    }
  }

  #adopt<K extends PeerKind>(kind: K, item: PeerItems[K], parent?: { closed: boolean }): PeerItems[K] {
    // mediasoup builds the object after the worker answers, even if its transport closed meanwhile.
    if (this.#closed || parent?.closed || item.closed) {
      item.close();
      this.#assertOpen();
      throw new RoomcastError('not_found', `it closed (or its transport did) while the ${kind} were being created`);
    }
    const map = this[kind] as Map<string, PeerItems[K]>;
    map.set(item.id, item);
    (item.observer as { once(event: 'close', fn: () => void): unknown }).once('close', () => map.delete(item.id));
    return item;
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoomcastError('not_in_room', `peer ${this.id} has left the room`);
  }

  inspect(): Inspection {
    return {
      peerId: this.id,
      transports: [...this.transports.keys()],
      producers: [...this.producers.values()].map((p) => ({ id: p.id, kind: p.kind, paused: p.paused })),
      consumers: [...this.consumers.values()].map((c) => ({ id: c.id, producerId: c.producerId, paused: c.paused })),
      dataProducers: [...this.dataProducers.keys()],
      dataConsumers: [...this.dataConsumers.keys()],
    };
  }

  /** Idempotent. Closing the transports closes everything made on them; the rest closes here. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of [...this.transports.values()]) transport.close();
    for (const kind of ['producers', 'consumers', 'dataProducers', 'dataConsumers'] as const) {
      for (const item of [...this[kind].values()]) item.close();
    }
    this.consuming = undefined;
  }
}

function found<T>(item: T | undefined, what: string, id: string): T {
  if (!item) throw new RoomcastError('not_found', `no ${what} ${id} for this peer`);
  return item;
}
