import { z } from 'zod';
import { Id, JsonBlob } from './common.js';
import { LIMITS } from './limits.js';

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

/** What the SFU answers for a new transport: only what the SFU itself knows. */
export const SfuTransportOptions = z.object({
  id: z.string(),
  iceParameters: JsonBlob,
  iceCandidates: z.array(JsonBlob).max(64),
  dtlsParameters: JsonBlob,
  sctpParameters: JsonBlob.optional(),
});
export type SfuTransportOptions = z.infer<typeof SfuTransportOptions>;

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
const ConsumerIds = z.array(Id).max(LIMITS.batch);
const ProducerRef = InRoom.extend({ producerId: Id });
const ConsumerRef = InRoom.extend({ consumerId: Id });
const TransportRef = InRoom.extend({ transportId: Id });

export const sfuMethods = {
  'room.open': { params: z.object({ roomId: Id }), result: z.object({ rtpCapabilities: JsonBlob }) },
  'room.close': { params: z.object({ roomId: Id }), result: Empty },
  'peer.leave': { params: InRoom, result: Empty },
  /**
   * A receive transport given the device's `rtpCapabilities` becomes the peer's way to consume:
   * the SFU creates its consumers for it (`consumer.createMany`), mediasoup-demo's pattern, so
   * joining costs a fixed number of requests whatever the room's size.
   */
  'transport.create': {
    params: InRoom.extend({
      direction: TransportDirection,
      sctp: z.boolean().default(false),
      rtpCapabilities: JsonBlob.optional(),
    }),
    result: SfuTransportOptions,
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
  /**
   * Consumers (created paused) on the peer's receive transport for each producer it can
   * consume and does not consume yet; its own, unknown and closed producers are skipped, so
   * the call is idempotent. Empty when the peer has no receive transport with capabilities.
   */
  'consumer.createMany': {
    params: InRoom.extend({ producerIds: z.array(Id).max(LIMITS.batch) }),
    result: z.object({ consumers: z.array(ConsumerOptions).max(LIMITS.batch) }),
  },
  /** Resumes the peer's consumers; ids it does not own are ignored (they may have just closed). */
  'consumer.resumeMany': { params: InRoom.extend({ consumerIds: ConsumerIds }), result: Empty },
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
  /**
   * A server-owned data channel of the room (a DataProducer on a DirectTransport), found or made
   * by label: a DJ channel's chat fans out through it to every listener that consumes it, so one
   * send costs signaling one call whatever the audience. Gone with the room's router; opening it
   * again after a rebuild makes a new one.
   */
  'dataChannel.open': {
    params: z.object({ roomId: Id, label: z.string().min(1).max(64) }),
    result: z.object({ dataProducerId: z.string() }),
  },
  /** Sends one text message on the room's server-owned data channel (`not_found` if none is open). */
  'dataChannel.send': {
    params: z.object({ roomId: Id, label: z.string().min(1).max(64), message: z.string().min(1).max(LIMITS.dj.chatWireBytes) }),
    result: Empty,
  },
  /**
   * Records a producer (a DJ's program) to `<recordingId>.ogg` in the SFU's recordings folder:
   * PlainTransport → ffmpeg, Opus copied into Ogg. `unavailable` when recording is off. A
   * recording that is running continues with the new producer (the studio came back with
   * another one): a new segment, joined to the others into the one file when it stops.
   */
  'recording.start': {
    params: z.object({ roomId: Id, producerId: Id, recordingId: Id }),
    result: z.object({ file: z.string() }),
  },
  /** Finishes the recording (the file is complete when this answers); `file` null when none ran. Idempotent. */
  'recording.stop': {
    params: z.object({ roomId: Id, recordingId: Id }),
    result: z.object({ file: z.string().nullable() }),
  },
  /**
   * Every media object the SFU holds for the room, by peer: what admin pages show and what
   * tests assert on (a departed peer must hold nothing). `open` is false for an unknown room.
   */
  'room.inspect': {
    params: z.object({ roomId: Id }),
    result: z.object({
      open: z.boolean(),
      worker: z.number().int().optional(),
      peers: z.array(
        z.object({
          peerId: z.string(),
          /** The worker serving this peer's consumers (an edge router's, past the per-router limit). */
          worker: z.number().int().optional(),
          transports: z.array(z.string()),
          producers: z.array(z.object({ id: z.string(), kind: MediaKind, paused: z.boolean() })),
          consumers: z.array(z.object({ id: z.string(), producerId: z.string(), paused: z.boolean() })),
          dataProducers: z.array(z.string()),
          dataConsumers: z.array(z.string()),
        }),
      ),
    }),
  },
  /** Workers configured and running; degraded while a dead worker could not be respawned. */
  'server.health': {
    params: Empty,
    result: z.object({ configured: z.number().int(), running: z.number().int(), degraded: z.boolean() }),
  },
  'server.stats': {
    params: Empty,
    result: z.object({
      workers: z.array(
        z.object({
          index: z.number().int(),
          pid: z.number().int(),
          alive: z.boolean(),
          rooms: z.number().int(),
          consumers: z.number().int(),
          cpuMs: z.number(),
        }),
      ),
      rooms: z.number().int(),
    }),
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type SfuMethod = keyof typeof sfuMethods;
export type SfuParams<M extends SfuMethod> = z.input<(typeof sfuMethods)[M]['params']>;
export type SfuResult<M extends SfuMethod> = z.infer<(typeof sfuMethods)[M]['result']>;

/** Peers named by one `peersReset` event at most (a big edge's listeners take several). */
export const PEERS_RESET_CHUNK = 500;

/** What an SFU node tells signaling, unasked: validated on arrival like the methods' results. */
export const sfuEvents = {
  activeSpeaker: z.object({ roomId: Id, peerId: Id.nullable() }),
  audioLevels: z.object({ roomId: Id, levels: z.array(z.object({ peerId: Id, volume: z.number() })).max(64) }),
  producerClosed: z.object({ roomId: Id, peerId: Id, producerId: Id }),
  consumerClosed: z.object({ roomId: Id, peerId: Id, consumerId: Id }),
  /** The room's router was lost (its worker died) and rebuilt: every peer must rejoin. */
  roomReset: z.object({ roomId: Id, reason: z.string().max(200) }),
  /**
   * Some of the room's peers lost their media (the worker of the edge router serving them
   * died) while the room itself goes on: those peers must rejoin. Sent in chunks.
   */
  peersReset: z.object({ roomId: Id, peerIds: z.array(Id).min(1).max(PEERS_RESET_CHUNK), reason: z.string().max(200) }),
} as const satisfies Record<string, z.ZodType>;
export type SfuEvents = { [E in keyof typeof sfuEvents]: z.infer<(typeof sfuEvents)[E]> };

export interface SfuControl {
  request<M extends SfuMethod>(method: M, params: SfuParams<M>): Promise<SfuResult<M>>;
  on<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void;
  off<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void;
}
