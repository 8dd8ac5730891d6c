import { EventEmitter } from 'node:events';
import { errors, type types } from 'mediasoup';
import {
  parseOrThrow,
  RoomcastError,
  sfuMethods,
  type JsonBlob,
  type SfuControl,
  type SfuEvents,
  type SfuMethod,
  type SfuParams,
  type SfuResult,
} from '@roomcast/shared';
import type { SfuServer } from './server.js';

type Parsed<M extends SfuMethod> = import('zod').infer<(typeof sfuMethods)[M]['params']>;
type Handlers = { [M in SfuMethod]: (params: Parsed<M>) => Promise<SfuResult<M>> };

// mediasoup's own types are stricter than the JSON we pass through; it validates in depth.
const blob = (value: object): JsonBlob => value as JsonBlob;
const as = <T>(value: JsonBlob): T => value as unknown as T;
const EMPTY = {};

/**
 * The SFU control surface as an in-process call. Every request is validated exactly as a
 * network transport would validate it, so moving SFU nodes out of process changes no caller.
 */
export class LocalSfuControl implements SfuControl {
  readonly #events = new EventEmitter();
  readonly #handlers: Handlers;

  constructor(readonly server: SfuServer) {
    const events: (keyof SfuEvents)[] = ['activeSpeaker', 'audioLevels', 'producerClosed', 'consumerClosed', 'roomReset'];
    for (const event of events) (server as EventEmitter).on(event, (payload) => this.#events.emit(event, payload));
    this.#handlers = this.#makeHandlers();
  }

  async request<M extends SfuMethod>(method: M, params: SfuParams<M>): Promise<SfuResult<M>> {
    const schema = sfuMethods[method];
    if (!schema) throw new RoomcastError('unknown_event', `unknown sfu method ${String(method)}`);
    const parsed = parseOrThrow(schema.params, params, `${method} parameters`);
    try {
      return await (this.#handlers[method] as (p: unknown) => Promise<SfuResult<M>>)(parsed);
    } catch (error) {
      throw toRoomcastError(error);
    }
  }

  on<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void {
    this.#events.on(event, listener);
  }

  off<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void {
    this.#events.off(event, listener);
  }

  #room(roomId: string) {
    const room = this.server.findRoom(roomId);
    if (!room) throw new RoomcastError('not_found', `room ${roomId} is not open on this SFU`);
    return room;
  }

  #makeHandlers(): Handlers {
    const server = this.server;
    return {
      'room.open': async ({ roomId }) => {
        const room = await server.room(roomId);
        return { rtpCapabilities: blob(room.router.rtpCapabilities) };
      },
      'room.close': async ({ roomId }) => {
        server.findRoom(roomId)?.close();
        return EMPTY;
      },
      'peer.leave': async ({ roomId, peerId }) => {
        server.findRoom(roomId)?.removePeer(peerId);
        return EMPTY;
      },
      'transport.create': async ({ roomId, peerId, direction, sctp }) => {
        const room = this.#room(roomId);
        const peer = room.peer(peerId);
        const transport = await room.router.createWebRtcTransport({
          webRtcServer: room.webRtcServer,
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
          enableSctp: sctp,
          initialAvailableOutgoingBitrate: server.config.initialOutgoingBitrate,
          appData: { peerId, direction },
        });
        peer.track(peer.transports, transport);
        return {
          id: transport.id,
          iceParameters: blob(transport.iceParameters),
          iceCandidates: transport.iceCandidates.map(blob),
          dtlsParameters: blob(transport.dtlsParameters),
          ...(transport.sctpParameters ? { sctpParameters: blob(transport.sctpParameters) } : {}),
        };
      },
      'transport.connect': async ({ roomId, peerId, transportId, dtlsParameters }) => {
        const transport = this.#room(roomId).existingPeer(peerId).transport(transportId);
        await transport.connect({ dtlsParameters: as<types.DtlsParameters>(dtlsParameters) });
        return EMPTY;
      },
      'transport.restartIce': async ({ roomId, peerId, transportId }) => {
        const transport = this.#room(roomId).existingPeer(peerId).transport(transportId);
        return { iceParameters: blob(await transport.restartIce()) };
      },
      'transport.close': async ({ roomId, peerId, transportId }) => {
        this.#room(roomId).existingPeer(peerId).transport(transportId).close();
        return EMPTY;
      },
      'producer.create': async ({ roomId, peerId, transportId, kind, rtpParameters, appData }) => {
        const room = this.#room(roomId);
        const peer = room.existingPeer(peerId);
        const producer = await peer.transport(transportId).produce({
          kind,
          rtpParameters: as<types.RtpParameters>(rtpParameters),
          appData: { ...appData, peerId },
        });
        peer.track(peer.producers, producer);
        producer.observer.once('close', () =>
          room.emit('producerClosed', { roomId, peerId, producerId: producer.id }),
        );
        await room.observe(producer);
        return { producerId: producer.id };
      },
      'producer.pause': async ({ roomId, peerId, producerId }) => {
        const room = this.#room(roomId);
        const producer = room.existingPeer(peerId).producer(producerId);
        await producer.pause();
        await room.candidate(producer, false);
        return EMPTY;
      },
      'producer.resume': async ({ roomId, peerId, producerId }) => {
        const room = this.#room(roomId);
        const producer = room.existingPeer(peerId).producer(producerId);
        await producer.resume();
        await room.candidate(producer, true);
        return EMPTY;
      },
      'producer.close': async ({ roomId, peerId, producerId }) => {
        this.#room(roomId).existingPeer(peerId).producer(producerId).close();
        return EMPTY;
      },
      'consumer.create': async ({ roomId, peerId, transportId, producerId, rtpCapabilities }) => {
        const room = this.#room(roomId);
        const peer = room.existingPeer(peerId);
        const producer = room.producer(producerId);
        const caps = as<types.RtpCapabilities>(rtpCapabilities);
        if (!room.router.canConsume({ producerId, rtpCapabilities: caps })) {
          throw new RoomcastError('bad_request', `your device cannot receive producer ${producerId}`);
        }
        // Paused until the client has wired the track, so no early packets are lost.
        const consumer = await peer.transport(transportId).consume({ producerId, rtpCapabilities: caps, paused: true });
        peer.track(peer.consumers, consumer);
        consumer.once('producerclose', () =>
          room.emit('consumerClosed', { roomId, peerId, consumerId: consumer.id }),
        );
        return {
          consumerId: consumer.id,
          producerId,
          peerId: String(producer.appData.peerId),
          kind: consumer.kind,
          rtpParameters: blob(consumer.rtpParameters),
          producerPaused: consumer.producerPaused,
        };
      },
      'consumer.resume': async ({ roomId, peerId, consumerId }) => {
        await this.#room(roomId).existingPeer(peerId).consumer(consumerId).resume();
        return EMPTY;
      },
      'consumer.close': async ({ roomId, peerId, consumerId }) => {
        this.#room(roomId).existingPeer(peerId).consumer(consumerId).close();
        return EMPTY;
      },
      'dataProducer.create': async ({ roomId, peerId, transportId, sctpStreamParameters, label, protocol }) => {
        const peer = this.#room(roomId).existingPeer(peerId);
        const dataProducer = await peer.transport(transportId).produceData({
          sctpStreamParameters: as<types.SctpStreamParameters>(sctpStreamParameters),
          label,
          protocol,
          appData: { peerId },
        });
        peer.track(peer.dataProducers, dataProducer);
        return { dataProducerId: dataProducer.id };
      },
      'dataConsumer.create': async ({ roomId, peerId, transportId, dataProducerId }) => {
        const room = this.#room(roomId);
        const peer = room.existingPeer(peerId);
        room.dataProducer(dataProducerId);
        const dataConsumer = await peer.transport(transportId).consumeData({ dataProducerId });
        peer.track(peer.dataConsumers, dataConsumer);
        return {
          dataConsumerId: dataConsumer.id,
          dataProducerId,
          sctpStreamParameters: blob(dataConsumer.sctpStreamParameters ?? {}),
          label: dataConsumer.label,
          protocol: dataConsumer.protocol,
        };
      },
    };
  }
}

/** mediasoup rejects bad client parameters with TypeError/UnsupportedError: those are the client's fault. */
function toRoomcastError(error: unknown): unknown {
  if (error instanceof RoomcastError) return error;
  if (error instanceof TypeError || error instanceof errors.UnsupportedError) {
    return new RoomcastError('bad_request', error.message);
  }
  if (error instanceof errors.NotFoundError) return new RoomcastError('not_found', error.message);
  return error;
}
