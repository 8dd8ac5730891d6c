import type { types } from 'mediasoup';
import { as, blob, type HandlerContext, type Handlers } from './context.js';

type DataMethods = 'dataProducer.create' | 'dataConsumer.create';

/** Data channels through the SFU (SCTP over the peer's transports). */
export function dataHandlers(ctx: HandlerContext): Handlers<DataMethods> {
  return {
    'dataProducer.create': async ({ roomId, peerId, transportId, sctpStreamParameters, label, protocol }) => {
      const peer = ctx.room(roomId).existingPeer(peerId);
      const transport = peer.transport(transportId);
      const dataProducer = await peer.create(
        'dataProducers',
        () =>
          ctx.made(
            'dataProducers',
            { roomId, peerId },
            transport.produceData({ sctpStreamParameters: as<types.SctpStreamParameters>(sctpStreamParameters), label, protocol, appData: { peerId } }),
          ),
        transport,
      );
      return { dataProducerId: dataProducer.id };
    },
    'dataConsumer.create': async ({ roomId, peerId, transportId, dataProducerId }) => {
      const room = ctx.room(roomId);
      const peer = room.existingPeer(peerId);
      const transport = peer.transport(transportId);
      room.dataProducer(dataProducerId);
      await room.fanout.ensureDataProducer(dataProducerId, room.routerOf(transport));
      const dataConsumer = await peer.create(
        'dataConsumers',
        () => ctx.made('dataConsumers', { roomId, peerId }, transport.consumeData({ dataProducerId })),
        transport,
      );
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
