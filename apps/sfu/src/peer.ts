import { RoomcastError } from '@roomcast/shared';
import type { types } from 'mediasoup';

/**
 * One participant's media objects inside one room. Closing a transport closes what was made
 * on it (mediasoup does that); this class only keeps the lookups and checks ownership, so a
 * client can never touch another peer's transport by guessing an id.
 */
export class SfuPeer {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataProducers = new Map<string, types.DataProducer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();
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

  /** Adds a media object and forgets it when it closes, whichever side closes it. */
  track<T extends { id: string; observer: { once(event: 'close', fn: () => void): unknown } }>(map: Map<string, T>, item: T): T {
    map.set(item.id, item);
    item.observer.once('close', () => map.delete(item.id));
    return item;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of [...this.transports.values()]) transport.close();
  }
}

function found<T>(item: T | undefined, what: string, id: string): T {
  if (!item) throw new RoomcastError('not_found', `no ${what} ${id} for this peer`);
  return item;
}
