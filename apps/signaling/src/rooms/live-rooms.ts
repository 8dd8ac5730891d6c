import { EventEmitter } from 'node:events';
import type { PeerView, ProducerInfo, RoomKind } from '@roomcast/shared';

export interface LivePeer {
  view: PeerView;
  socketId: string;
}

export interface LiveRoom {
  id: string;
  kind: RoomKind;
  ownerId: string;
  peers: Map<string, LivePeer>;
  producers: Map<string, ProducerInfo>;
}

interface LiveRoomsEvents {
  roomClosed: [{ roomId: string; reason: string; peers: LivePeer[] }];
}

/**
 * Who is in which room right now, and what they publish. This is the single-node
 * implementation; a clustered deployment swaps in one backed by Redis behind the same methods.
 */
export class LiveRooms extends EventEmitter<LiveRoomsEvents> {
  readonly #rooms = new Map<string, LiveRoom>();

  get(roomId: string): LiveRoom | undefined {
    return this.#rooms.get(roomId);
  }

  participants(roomId: string): number {
    return this.#rooms.get(roomId)?.peers.size ?? 0;
  }

  /** Adds the peer and returns who was already there and what they publish. */
  join(room: Omit<LiveRoom, 'peers' | 'producers'>, peer: LivePeer): { peers: PeerView[]; producers: ProducerInfo[] } {
    let live = this.#rooms.get(room.id);
    if (!live) {
      live = { ...room, peers: new Map(), producers: new Map() };
      this.#rooms.set(room.id, live);
    }
    const others = [...live.peers.values()].map((p) => p.view);
    live.peers.set(peer.view.peerId, peer);
    return { peers: others, producers: [...live.producers.values()] };
  }

  /** Removes the peer and its producers; returns whether the room is now empty. */
  leave(roomId: string, peerId: string): boolean {
    const live = this.#rooms.get(roomId);
    if (!live) return true;
    live.peers.delete(peerId);
    for (const [id, producer] of live.producers) if (producer.peerId === peerId) live.producers.delete(id);
    if (live.peers.size > 0) return false;
    this.#rooms.delete(roomId);
    return true;
  }

  addProducer(roomId: string, producer: ProducerInfo): void {
    this.#rooms.get(roomId)?.producers.set(producer.producerId, producer);
  }

  removeProducer(roomId: string, producerId: string): void {
    this.#rooms.get(roomId)?.producers.delete(producerId);
  }

  /** The media server lost the room: nobody publishes anything until they rejoin. */
  resetMedia(roomId: string): void {
    this.#rooms.get(roomId)?.producers.clear();
  }

  async closeRoom(roomId: string, reason: string): Promise<void> {
    const live = this.#rooms.get(roomId);
    this.#rooms.delete(roomId);
    this.emit('roomClosed', { roomId, reason, peers: live ? [...live.peers.values()] : [] });
  }

  stats(): { rooms: number; peers: number; producers: number } {
    let peers = 0;
    let producers = 0;
    for (const room of this.#rooms.values()) {
      peers += room.peers.size;
      producers += room.producers.size;
    }
    return { rooms: this.#rooms.size, peers, producers };
  }
}
