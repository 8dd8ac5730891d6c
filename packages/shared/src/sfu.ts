import { z } from 'zod';
import { Id, JsonBlob } from './common.js';

/**
 * The SFU's control surface: what signaling asks of an SFU node. In the embedded default it
 * is an in-process call; every request is still validated against these schemas so the same
 * table can sit behind an authenticated network channel when SFU nodes run apart.
 */

export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;
export const TransportDirection = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirection>;

const InRoom = z.object({ roomId: Id, peerId: Id });

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const TransportOptions = z.object({
  id: z.string(),
  iceParameters: JsonBlob,
  iceCandidates: z.array(JsonBlob).max(64),
  dtlsParameters: JsonBlob,
  sctpParameters: JsonBlob.optional(),
  iceServers: z.array(IceServer).max(16).optional(),
  /** Signaling adds it: how long the client waits for this transport to connect before it gives up. */
  connectTimeoutMs: z.number().int().positive().optional(),
});
export type TransportOptions = z.infer<typeof TransportOptions>;

export const ConsumerOptions = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  peerId: z.string(),
  kind: MediaKind,
  rtpParameters: JsonBlob,
  producerPaused: z.boolean(),
});
export type ConsumerOptions = z.infer<typeof ConsumerOptions>;

export const DataConsumerOptions = z.object({
  dataConsumerId: z.string(),
  dataProducerId: z.string(),
  sctpStreamParameters: JsonBlob,
  label: z.string(),
  protocol: z.string(),
});
export type DataConsumerOptions = z.infer<typeof DataConsumerOptions>;

const Empty = z.object({});
const ProducerRef = InRoom.extend({ producerId: Id });
const ConsumerRef = InRoom.extend({ consumerId: Id });
const TransportRef = InRoom.extend({ transportId: Id });

export const sfuMethods = {
  'room.open': { params: z.object({ roomId: Id }), result: z.object({ rtpCapabilities: JsonBlob }) },
  'room.close': { params: z.object({ roomId: Id }), result: Empty },
  'peer.leave': { params: InRoom, result: Empty },
  'transport.create': {
    params: InRoom.extend({ direction: TransportDirection, sctp: z.boolean().default(false) }),
    result: TransportOptions,
  },
  'transport.connect': { params: TransportRef.extend({ dtlsParameters: JsonBlob }), result: Empty },
  'transport.restartIce': { params: TransportRef, result: z.object({ iceParameters: JsonBlob }) },
  'transport.close': { params: TransportRef, result: Empty },
  'producer.create': {
    params: TransportRef.extend({ kind: MediaKind, rtpParameters: JsonBlob, appData: JsonBlob.optional() }),
    result: z.object({ producerId: z.string() }),
  },
  'producer.pause': { params: ProducerRef, result: Empty },
  'producer.resume': { params: ProducerRef, result: Empty },
  'producer.close': { params: ProducerRef, result: Empty },
  'consumer.create': {
    params: TransportRef.extend({ producerId: Id, rtpCapabilities: JsonBlob }),
    result: ConsumerOptions,
  },
  'consumer.resume': { params: ConsumerRef, result: Empty },
  'consumer.close': { params: ConsumerRef, result: Empty },
  'dataProducer.create': {
    params: TransportRef.extend({
      sctpStreamParameters: JsonBlob,
      label: z.string().max(128).default(''),
      protocol: z.string().max(128).default(''),
    }),
    result: z.object({ dataProducerId: z.string() }),
  },
  'dataConsumer.create': {
    params: TransportRef.extend({ dataProducerId: Id }),
    result: DataConsumerOptions,
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type SfuMethod = keyof typeof sfuMethods;
export type SfuParams<M extends SfuMethod> = z.input<(typeof sfuMethods)[M]['params']>;
export type SfuResult<M extends SfuMethod> = z.infer<(typeof sfuMethods)[M]['result']>;

/** What an SFU node tells signaling, unasked. */
export interface SfuEvents {
  activeSpeaker: { roomId: string; peerId: string | null };
  audioLevels: { roomId: string; levels: { peerId: string; volume: number }[] };
  producerClosed: { roomId: string; peerId: string; producerId: string };
  consumerClosed: { roomId: string; peerId: string; consumerId: string };
  /** The room's router was lost (its worker died) and rebuilt: every peer must rejoin. */
  roomReset: { roomId: string; reason: string };
}

export interface SfuControl {
  request<M extends SfuMethod>(method: M, params: SfuParams<M>): Promise<SfuResult<M>>;
  on<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void;
  off<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void;
}
