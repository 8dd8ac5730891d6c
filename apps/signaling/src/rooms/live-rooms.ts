import { EventEmitter } from 'node:events';
import { RoomcastError, type PeerView, type ProducerInfo, type RoomKind } from '@roomcast/shared';
import { RoomPolicy } from './room-policies.js';

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
  /** The SFU's latest dominant speaker, so a joiner sees it before the next change. */
  activeSpeakerId: string | null;
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
  readonly #policies = new Map<string, RoomPolicy>();

  constructor(
    readonly options: {
      maxParticipants: number;
      /** How long a person removed by a moderator is refused in that room. */
      banSeconds: number;
    } = { maxParticipants: Infinity, banSeconds: 600 },
  ) {
    super();
  }

  get(roomId: string): LiveRoom | undefined {
    return this.#rooms.get(roomId);
  }

  participants(roomId: string): number {
    return this.#rooms.get(roomId)?.peers.size ?? 0;
  }

  /**
   * Adds the peer and returns who was already there and what they publish. Refuses with
   * `room_full` at the participant limit; the peer's moderator mute follows its account.
   */
  join(
    room: Omit<LiveRoom, 'peers' | 'producers' | 'activeSpeakerId'>,
    peer: LivePeer,
  ): { peers: PeerView[]; producers: ProducerInfo[]; self: PeerView; activeSpeakerId: string | null } {
    const existing = this.#rooms.get(room.id);
    if (existing && existing.peers.size >= this.options.maxParticipants) {
      throw new RoomcastError('room_full', `this room is full (${this.options.maxParticipants} people)`);
    }
    const live = existing ?? { ...room, peers: new Map(), producers: new Map(), activeSpeakerId: null };
    this.#rooms.set(room.id, live);
    const others = [...live.peers.values()].map((p) => p.view);
    const self = { ...peer.view, moderatorMuted: this.policy(room.id).isMuted(peer.view.userId) };
    live.peers.set(self.peerId, { ...peer, view: self });
    return { peers: others, producers: [...live.producers.values()], self, activeSpeakerId: live.activeSpeakerId };
  }

  /** Changes a peer's public details; returns the new view to broadcast, or undefined if gone. */
  updatePeer(roomId: string, peerId: string, patch: Partial<Pick<PeerView, 'mic' | 'moderatorMuted'>>): PeerView | undefined {
    const peer = this.#rooms.get(roomId)?.peers.get(peerId);
    if (!peer) return undefined;
    peer.view = { ...peer.view, ...patch };
    return peer.view;
  }

  setProducerPaused(roomId: string, producerId: string, paused: boolean): ProducerInfo | undefined {
    const producer = this.#rooms.get(roomId)?.producers.get(producerId);
    if (producer) producer.paused = paused;
    return producer;
  }

  setActiveSpeaker(roomId: string, peerId: string | null): void {
    const live = this.#rooms.get(roomId);
    if (live) live.activeSpeakerId = peerId;
  }

  /** The room's moderation state; created on first use, dropped when idle and empty. */
  policy(roomId: string): RoomPolicy {
    let policy = this.#policies.get(roomId);
    if (!policy) {
      policy = new RoomPolicy();
      this.#policies.set(roomId, policy);
    }
    return policy;
  }

  /** Removes the peer and its producers; returns whether the room is now empty. */
  leave(roomId: string, peerId: string): boolean {
    const live = this.#rooms.get(roomId);
    if (!live) return true;
    live.peers.delete(peerId);
    for (const [id, producer] of live.producers) if (producer.peerId === peerId) live.producers.delete(id);
    if (live.activeSpeakerId === peerId) live.activeSpeakerId = null;
    if (live.peers.size > 0) return false;
    this.#rooms.delete(roomId);
    if (this.#policies.get(roomId)?.isDefault()) this.#policies.delete(roomId);
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
    const live = this.#rooms.get(roomId);
    if (!live) return;
    live.producers.clear();
    live.activeSpeakerId = null;
    for (const peer of live.peers.values()) peer.view = { ...peer.view, mic: 'none' };
  }

  async closeRoom(roomId: string, reason: string): Promise<void> {
    const live = this.#rooms.get(roomId);
    this.#rooms.delete(roomId);
    this.#policies.delete(roomId);
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
