import { RoomcastError } from '@roomcast/shared';
import { EMPTY, type HandlerContext, type Handlers } from './context.js';

type ServerDataMethods = 'dataChannel.open' | 'dataChannel.send';

/** The room's server-owned data channels: one send from signaling, fanned out by the worker. */
export function serverDataHandlers(ctx: HandlerContext): Handlers<ServerDataMethods> {
  return {
    'dataChannel.open': async ({ roomId, label }) => ({ dataProducerId: (await ctx.room(roomId).serverData(label)).id }),
    'dataChannel.send': async ({ roomId, label, message }) => {
      const producer = await ctx.room(roomId).openServerData(label);
      if (!producer || producer.closed) throw new RoomcastError('not_found', `no server data channel "${label}" in room ${roomId}`);
      producer.send(message);
      return EMPTY;
    },
  };
}
