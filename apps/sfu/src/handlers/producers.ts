import type { types } from 'mediasoup';
import { EMPTY, as, type HandlerContext, type Handlers } from './context.js';

type ProducerMethods = 'producer.create' | 'producer.pause' | 'producer.resume' | 'producer.close';

export function producerHandlers(ctx: HandlerContext): Handlers<ProducerMethods> {
  const own = (roomId: string, peerId: string, producerId: string) => {
    const room = ctx.room(roomId);
    return { room, producer: room.existingPeer(peerId).producer(producerId) };
  };
  return {
    'producer.create': async ({ roomId, peerId, transportId, kind, rtpParameters, appData }) => {
      const room = ctx.room(roomId);
      const peer = room.existingPeer(peerId);
      const transport = peer.transport(transportId);
      const make = async () => {
        const producer = await ctx.made(
          'producers',
          { roomId, peerId },
          transport.produce({ kind, rtpParameters: as<types.RtpParameters>(rtpParameters), appData: { ...appData, peerId } }),
        );
        try {
          await room.observe(producer);
        } catch (error) {
          producer.close();
          throw error;
        }
        return producer;
      };
      const producer = await peer.create('producers', make, transport);
      producer.observer.once('close', () => room.emit('producerClosed', { roomId, peerId, producerId: producer.id }));
      return { producerId: producer.id };
    },
    'producer.pause': async ({ roomId, peerId, producerId }) => {
      const { room, producer } = own(roomId, peerId, producerId);
      await producer.pause();
      await room.candidate(producer, false);
      return EMPTY;
    },
    'producer.resume': async ({ roomId, peerId, producerId }) => {
      const { room, producer } = own(roomId, peerId, producerId);
      await producer.resume();
      await room.candidate(producer, true);
      return EMPTY;
    },
    'producer.close': async ({ roomId, peerId, producerId }) => {
      own(roomId, peerId, producerId).producer.close();
      return EMPTY;
    },
  };
}
