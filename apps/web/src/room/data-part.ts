import type { types } from 'mediasoup-client';
import { toApiError } from '../api/errors';
import { Superseded, type JoinSession } from './join-session';
import type { RoomContext, RoomPart } from './types';

/** A channel we send on, through the SFU; it is rebuilt on every join. */
export interface DataSender {
  readonly label: string;
  /** Whether a message sent now goes out. */
  readonly open: boolean;
  /** Sends if the channel is open; false (nothing sent) otherwise. */
  send(data: string | ArrayBuffer): boolean;
}

interface Sender {
  label: string;
  protocol: string;
  producer: types.DataProducer | null;
}

interface Subscription {
  onMessage: (data: unknown) => void;
  consumer: types.DataConsumer | null;
}

/**
 * Data channels over the SFU transports (SCTP): data producers we send on, and data consumers
 * of producers others (or the server) hold — a DJ channel's chat, a party's sync commands.
 * Both survive rejoins: each join rebuilds them on the new session. The connection must be
 * created with `sctp: true`.
 */
export class DataPart implements RoomPart {
  private readonly senders = new Map<string, Sender>();
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(private readonly ctx: RoomContext) {}

  sender(label: string, protocol = ''): DataSender {
    let entry = this.senders.get(label);
    if (!entry) {
      entry = { label, protocol, producer: null };
      this.senders.set(label, entry);
      this.whenJoined((session) => this.produce(session, entry!));
    }
    const sender = entry;
    return {
      label,
      get open() {
        return sender.producer?.readyState === 'open';
      },
      send(data) {
        if (sender.producer?.readyState !== 'open') return false;
        sender.producer.send(data);
        return true;
      },
    };
  }

  /** Delivers a data producer's messages until the returned function is called. */
  subscribe(dataProducerId: string, onMessage: (data: unknown) => void): () => void {
    const entry: Subscription = { onMessage, consumer: null };
    this.subscriptions.set(dataProducerId, entry);
    this.whenJoined((session) => this.consume(session, dataProducerId, entry));
    return () => {
      if (this.subscriptions.get(dataProducerId) !== entry) return;
      this.subscriptions.delete(dataProducerId);
      entry.consumer?.close();
    };
  }

  async join(session: JoinSession): Promise<void> {
    await Promise.all([
      ...[...this.senders.values()].map((entry) => this.produce(session, entry)),
      ...[...this.subscriptions].map(([id, entry]) => this.consume(session, id, entry)),
    ]);
  }

  reset(): void {
    for (const entry of this.senders.values()) entry.producer = null;
    for (const entry of this.subscriptions.values()) entry.consumer = null;
  }

  /** Added mid-visit: start on the current session too (a failure there is shown, not thrown). */
  private whenJoined(start: (session: JoinSession) => Promise<void>): void {
    const session = this.ctx.session();
    if (!session?.device?.loaded) return; // the next join starts it
    start(session).catch((error: unknown) => {
      if (error instanceof Superseded || session.closed) return;
      this.ctx.notify(`A data channel could not be opened: ${toApiError(error).message}`);
    });
  }

  private async produce(session: JoinSession, entry: Sender): Promise<void> {
    const { transport } = await session.guard(session.transport('send'));
    const producer = await session.guard(transport.produceData({ label: entry.label, protocol: entry.protocol }));
    if (this.senders.get(entry.label) === entry) entry.producer = producer;
    else producer.close();
  }

  private async consume(session: JoinSession, dataProducerId: string, entry: Subscription): Promise<void> {
    const { transport } = await session.guard(session.transport('recv'));
    const options = await session.guard(this.ctx.request('sfu:consumeData', { transportId: transport.id, dataProducerId }, { retry: true }));
    const consumer = await session.guard(
      transport.consumeData({
        id: options.dataConsumerId,
        dataProducerId: options.dataProducerId,
        sctpStreamParameters: options.sctpStreamParameters as unknown as types.SctpStreamParameters,
        label: options.label,
        protocol: options.protocol,
      }),
    );
    // Attached at once: messages that arrive before a later listener would be lost.
    consumer.on('message', (data) => entry.onMessage(data));
    if (this.subscriptions.get(dataProducerId) === entry) entry.consumer = consumer;
    else consumer.close();
  }
}
