import type { DjCounts } from '@roomcast/shared';

/**
 * The live numbers of every DJ room: who listens now, the peak of the current broadcast and its
 * likes. Shared state, so it sits behind this async interface: `MemoryLiveCounts` serves one
 * node; a Redis one (a set per room, INCR for likes) drops in for a cluster.
 */
export interface LiveCountsStore {
  /** A listener (not the studio) is in the room; idempotent per peer. */
  join(roomId: string, peerId: string): Promise<DjCounts>;
  leave(roomId: string, peerId: string): Promise<DjCounts>;
  /** A broadcast starts: its peak starts at the listeners already here, its likes at zero. */
  begin(roomId: string): Promise<DjCounts>;
  /** Counts a like of the broadcast on air. */
  like(roomId: string): Promise<DjCounts>;
  counts(roomId: string): Promise<DjCounts>;
  /** Forgets the room (closed for good). */
  forget(roomId: string): Promise<void>;
}

interface RoomCounts {
  listeners: Set<string>;
  peak: number;
  likes: number;
}

export class MemoryLiveCounts implements LiveCountsStore {
  readonly #rooms = new Map<string, RoomCounts>();

  #room(roomId: string): RoomCounts {
    let room = this.#rooms.get(roomId);
    if (!room) this.#rooms.set(roomId, (room = { listeners: new Set(), peak: 0, likes: 0 }));
    return room;
  }

  #view(room: RoomCounts | undefined): DjCounts {
    return { listeners: room?.listeners.size ?? 0, peak: room?.peak ?? 0, likes: room?.likes ?? 0 };
  }

  async join(roomId: string, peerId: string): Promise<DjCounts> {
    const room = this.#room(roomId);
    room.listeners.add(peerId);
    room.peak = Math.max(room.peak, room.listeners.size);
    return this.#view(room);
  }

  async leave(roomId: string, peerId: string): Promise<DjCounts> {
    const room = this.#rooms.get(roomId);
    room?.listeners.delete(peerId);
    return this.#view(room);
  }

  async begin(roomId: string): Promise<DjCounts> {
    const room = this.#room(roomId);
    room.peak = room.listeners.size;
    room.likes = 0;
    return this.#view(room);
  }

  async like(roomId: string): Promise<DjCounts> {
    const room = this.#room(roomId);
    room.likes += 1;
    return this.#view(room);
  }

  async counts(roomId: string): Promise<DjCounts> {
    return this.#view(this.#rooms.get(roomId));
  }

  async forget(roomId: string): Promise<void> {
    this.#rooms.delete(roomId);
  }
}
