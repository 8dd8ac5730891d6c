import type { types } from 'mediasoup';
import { RoomcastError, type ConsumerOptions } from '@roomcast/shared';
import { EMPTY, blob, type HandlerContext, type Handlers } from './context.js';

type ConsumerMethods = 'consumer.createMany' | 'consumer.resumeMany' | 'consumer.close';

/**
 * The SFU creates a peer's consumers on its consuming transport (mediasoup-demo's pattern):
 * signaling names the producers, the SFU skips what the peer cannot or already consumes.
 */
export function consumerHandlers(ctx: HandlerContext): Handlers<ConsumerMethods> {
  return {
    'consumer.createMany': async ({ roomId, peerId, producerIds }) => {
      const room = ctx.room(roomId);
      const peer = room.existingPeer(peerId);
      const target = peer.consuming;
      if (!target || target.transport.closed) return { consumers: [] };
      const { transport, rtpCapabilities } = target;
      const router = room.routerOf(transport);
      const wanted: types.Producer[] = [];
      for (const producerId of new Set(producerIds)) {
        const producer = room.findProducer(producerId);
        if (!producer || producer.closed || producer.appData.peerId === peerId || peer.consumes(producerId)) continue;
        if (room.router.canConsume({ producerId, rtpCapabilities })) wanted.push(producer);
      }
      if (wanted.length === 0) return { consumers: [] };

      // All slots at once: over the cap nothing is created, so a refusal loses nothing.
      const slots = peer.reserve('consumers', wanted.length);
      for (const producer of wanted) peer.consumingNow.add(producer.id);
      let settled: PromiseSettledResult<types.Consumer>[];
      try {
        settled = await Promise.allSettled(
          wanted.map(async (producer) => {
            // An edge router gets each producer piped from the main one once, whatever its audience.
            await room.fanout.ensureProducer(producer.id, router);
            // Paused until the client has wired the track, so no early packets are lost.
            const creating = transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
            return slots.adopt(await ctx.made('consumers', { roomId, peerId }, creating), transport);
          }),
        );
      } finally {
        slots.release();
        for (const producer of wanted) peer.consumingNow.delete(producer.id);
      }

      const created = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      // A producer that closed meanwhile is skipped; any other failure fails the call whole.
      const failure = settled.find((r, i): r is PromiseRejectedResult => r.status === 'rejected' && !wanted[i]!.closed);
      if (peer.closed || failure) {
        for (const consumer of created) consumer.close();
        if (peer.closed) throw new RoomcastError('not_in_room', `peer ${peerId} has left the room`);
        throw failure!.reason;
      }
      const owners = new Map(wanted.map((p) => [p.id, String(p.appData.peerId)]));
      const consumers: ConsumerOptions[] = created.map((consumer) => {
        consumer.once('producerclose', () => room.emit('consumerClosed', { roomId, peerId, consumerId: consumer.id }));
        return {
          consumerId: consumer.id,
          producerId: consumer.producerId,
          peerId: owners.get(consumer.producerId)!,
          kind: consumer.kind,
          rtpParameters: blob(consumer.rtpParameters),
          producerPaused: consumer.producerPaused,
        };
      });
      return { consumers };
    },
    'consumer.resumeMany': async ({ roomId, peerId, consumerIds }) => {
      const peer = ctx.room(roomId).existingPeer(peerId);
      const mine = [...new Set(consumerIds)].flatMap((id) => peer.consumers.get(id) ?? []);
      // One that closed while resuming is ignored, like an id the peer never owned.
      await Promise.all(mine.map((c) => c.resume().catch((error: unknown) => (c.closed ? undefined : Promise.reject(error)))));
      return EMPTY;
    },
    'consumer.close': async ({ roomId, peerId, consumerId }) => {
      ctx.room(roomId).existingPeer(peerId).consumer(consumerId).close();
      return EMPTY;
    },
  };
}
