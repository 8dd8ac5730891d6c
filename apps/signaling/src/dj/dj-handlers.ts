import type { Dispatcher } from '../socket/dispatch.js';
import { currentRoom, type RoomcastSocket } from '../socket/types.js';
import type { DjLive } from './dj-live.js';

/**
 * The `dj:*` requests of one connection. The dispatcher has already checked the payload and
 * that the room kind lets this member make the request (studio-only ones for the host).
 */
export function registerDjHandlers(socket: RoomcastSocket, on: Dispatcher, dj: DjLive): void {
  const caller = () => {
    const at = currentRoom(socket);
    return { roomId: at.roomId, peerId: at.peerId, user: socket.data.user };
  };
  on.on('dj:state', async () => dj.state(caller()));
  on.on('dj:goLive', async (req) => dj.goLive(caller(), req));
  on.on('dj:resume', async (req) => dj.resume(caller(), req));
  on.on('dj:end', async () => dj.end(caller()));
  on.on('dj:like', async () => dj.like(caller()));
  on.on('dj:chat', async ({ text }) => dj.chat(caller(), text));
  on.on('dj:deleteChat', async ({ messageId }) => (await dj.deleteChat(caller(), messageId), {}));
  on.on('dj:banChat', async ({ userId }) => (await dj.banChat(caller(), userId), {}));
}
