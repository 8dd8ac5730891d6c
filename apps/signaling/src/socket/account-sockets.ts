import type { ServerEvent, ServerEventPayload } from '@roomcast/shared';
import type { User } from '../db/index.js';
import { userView } from '../http/context.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import type { SocketRegistry } from './socket-registry.js';
import { channel, type RoomcastIo } from './types.js';

/**
 * Live connections follow their account: signing out ends that sign-in's sockets, and a role
 * change reaches the sockets already open, so what they may do changes at once.
 */
export class AccountSockets {
  constructor(
    private readonly io: RoomcastIo,
    private readonly registry: SocketRegistry,
    private readonly live: LiveRoomStore,
  ) {}

  /** Tells each connection of the sign-in why, then closes it (its leave follows as usual). */
  async endSession(sessionKey: string | undefined, reason: string): Promise<number> {
    if (!sessionKey) return 0;
    return this.#end(await this.registry.bySession(sessionKey), reason);
  }

  /** Every connection of the account, whichever sign-in: for an account that is disabled or deleted. */
  async endAccount(userId: string, reason: string): Promise<number> {
    return this.#end(await this.registry.byAccount(userId), reason);
  }

  #end(socketIds: readonly string[], reason: string): number {
    for (const id of socketIds) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket) continue;
      socket.emit('session:ended', { reason });
      socket.disconnect(true);
    }
    return socketIds.length;
  }

  /** Sends an event to every connection of the account (each of its tabs and devices). */
  async emitToAccount<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>): Promise<void> {
    for (const id of await this.registry.byAccount(userId)) {
      const socket = this.io.sockets.sockets.get(id);
      (socket?.emit as ((e: E, p: ServerEventPayload<E>) => boolean) | undefined)?.call(socket, event, payload);
    }
  }

  /** The account changed (role, name): each open connection acts as the new account from now on. */
  async userChanged(user: User): Promise<void> {
    for (const id of await this.registry.byAccount(user.id)) {
      const socket = this.io.sockets.sockets.get(id);
      if (!socket) continue;
      socket.data.user = user;
      socket.emit('session:updated', { user: userView(user) });
      const at = socket.data.room;
      if (!at) continue;
      const view = await this.live.updatePeer(at.roomId, at.peerId, { role: user.role });
      if (view) this.io.to(channel(at.roomId)).emit('peer:updated', view);
    }
  }
}
