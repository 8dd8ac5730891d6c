import { EMPTY, blob, type HandlerContext, type Handlers } from './context.js';

type RoomMethods = 'room.open' | 'room.close' | 'room.inspect' | 'peer.leave' | 'server.health' | 'server.stats';

/** Rooms, membership and the server's own state. */
export function roomHandlers({ server }: HandlerContext): Handlers<RoomMethods> {
  return {
    'room.open': async ({ roomId }) => {
      const room = await server.room(roomId);
      return { rtpCapabilities: blob(room.router.rtpCapabilities) };
    },
    'room.close': async ({ roomId }) => {
      server.findRoom(roomId)?.close();
      return EMPTY;
    },
    'room.inspect': async ({ roomId }) => {
      const room = server.findRoom(roomId);
      if (!room) return { open: false, peers: [] };
      const peers = [...room.peers.values()].map((peer) => ({ ...peer.inspect(), worker: peer.home?.workerIndex ?? room.workerIndex }));
      return { open: true, worker: room.workerIndex, peers };
    },
    'peer.leave': async ({ roomId, peerId }) => {
      server.findRoom(roomId)?.removePeer(peerId);
      return EMPTY;
    },
    'server.health': async () => server.health(),
    'server.stats': async () => server.stats(),
  };
}
