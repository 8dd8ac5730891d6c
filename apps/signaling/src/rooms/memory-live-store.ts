import { RoomcastError, type PeerView, type ProducerInfo } from '@roomcast/shared';
import { systemClock, type Clock } from './clock.js';
import type { JoinOutcome, LeaveOutcome, LivePeer, LiveRoomInfo, LiveRoomStore, LiveRoomView, LiveStats, PeerPatch } from './live-store.js';

interface Room extends LiveRoomInfo {
  peers: Map<string, LivePeer>;
  producers: Map<string, ProducerInfo>;
  activeSpeakerId: string | null;
}

/**
 * The single-node live store. Every method finishes without yielding, so each membership
 * change of a room is atomic; views handed out are frozen copies, never the maps themselves.
 */
export class MemoryLiveStore implements LiveRoomStore {
  readonly #rooms = new Map<string, Room>();
  /** When each room last emptied, for the idle sweep; forgotten when the room closes. */
  readonly #emptiedAt = new Map<string, number>();
  readonly #startedAt: number;

  constructor(private readonly clock: Clock = systemClock) {
    this.#startedAt = clock();
  }

  async join(room: LiveRoomInfo, peer: LivePeer, limit: number): Promise<JoinOutcome> {
    const live = this.#rooms.get(room.id) ?? { ...room, peers: new Map(), producers: new Map(), activeSpeakerId: null };
    if (live.peers.size >= limit) throw new RoomcastError('room_full', `this room is full (${limit} people)`);
    const outcome: JoinOutcome = Object.freeze({
      peers: Object.freeze([...live.peers.values()].map((p) => p.view)),
      producers: Object.freeze([...live.producers.values()].map((p) => Object.freeze({ ...p }))),
      activeSpeakerId: live.activeSpeakerId,
    });
    live.peers.set(peer.view.peerId, frozenPeer(peer.view, peer.socketId));
    this.#rooms.set(room.id, live);
    this.#emptiedAt.delete(room.id);
    return outcome;
  }

  async leave(roomId: string, peerId: string): Promise<LeaveOutcome> {
    const live = this.#rooms.get(roomId);
    if (!live) return { left: false, empty: true };
    const left = live.peers.delete(peerId);
    for (const [id, producer] of live.producers) if (producer.peerId === peerId) live.producers.delete(id);
    if (live.activeSpeakerId === peerId) live.activeSpeakerId = null;
    if (live.peers.size > 0) return { left, empty: false };
    this.#rooms.delete(roomId);
    this.#emptiedAt.set(roomId, this.clock());
    return { left, empty: true };
  }

  async room(roomId: string): Promise<LiveRoomView | undefined> {
    const live = this.#rooms.get(roomId);
    if (!live) return undefined;
    return Object.freeze({
      id: live.id,
      kind: live.kind,
      ownerId: live.ownerId,
      peers: Object.freeze([...live.peers.values()]),
      producers: Object.freeze([...live.producers.values()].map((p) => Object.freeze({ ...p }))),
      activeSpeakerId: live.activeSpeakerId,
    });
  }

  async peer(roomId: string, peerId: string): Promise<LivePeer | undefined> {
    return this.#rooms.get(roomId)?.peers.get(peerId);
  }

  async participants(roomIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return new Map(roomIds.map((id) => [id, this.#rooms.get(id)?.peers.size ?? 0]));
  }

  async updatePeer(roomId: string, peerId: string, patch: PeerPatch): Promise<PeerView | undefined> {
    const live = this.#rooms.get(roomId);
    const peer = live?.peers.get(peerId);
    if (!live || !peer) return undefined;
    const next = frozenPeer({ ...peer.view, ...patch }, peer.socketId);
    live.peers.set(peerId, next);
    return next.view;
  }

  async addProducer(roomId: string, producer: ProducerInfo): Promise<boolean> {
    const live = this.#rooms.get(roomId);
    if (!live?.peers.has(producer.peerId)) return false;
    live.producers.set(producer.producerId, { ...producer });
    return true;
  }

  async removeProducer(roomId: string, producerId: string): Promise<ProducerInfo | undefined> {
    const producers = this.#rooms.get(roomId)?.producers;
    const producer = producers?.get(producerId);
    producers?.delete(producerId);
    return producer && Object.freeze({ ...producer });
  }

  async setProducerPaused(roomId: string, producerId: string, paused: boolean): Promise<ProducerInfo | undefined> {
    const producer = this.#rooms.get(roomId)?.producers.get(producerId);
    if (!producer) return undefined;
    producer.paused = paused;
    return Object.freeze({ ...producer });
  }

  async setActiveSpeaker(roomId: string, peerId: string | null): Promise<void> {
    const live = this.#rooms.get(roomId);
    if (live) live.activeSpeakerId = peerId === null || live.peers.has(peerId) ? peerId : null;
  }

  async resetMedia(roomId: string): Promise<void> {
    const live = this.#rooms.get(roomId);
    if (!live) return;
    live.producers.clear();
    live.activeSpeakerId = null;
    for (const [id, peer] of live.peers) live.peers.set(id, frozenPeer({ ...peer.view, mic: 'none' }, peer.socketId));
  }

  async close(roomId: string): Promise<readonly LivePeer[]> {
    const live = this.#rooms.get(roomId);
    this.#rooms.delete(roomId);
    this.#emptiedAt.delete(roomId);
    return Object.freeze(live ? [...live.peers.values()] : []);
  }

  async idleSince(roomId: string): Promise<number | undefined> {
    if (this.#rooms.has(roomId)) return undefined;
    return this.#emptiedAt.get(roomId) ?? this.#startedAt;
  }

  async stats(): Promise<LiveStats> {
    let peers = 0;
    let producers = 0;
    for (const room of this.#rooms.values()) {
      peers += room.peers.size;
      producers += room.producers.size;
    }
    return { rooms: this.#rooms.size, peers, producers };
  }
}

function frozenPeer(view: PeerView, socketId: string): LivePeer {
  return Object.freeze({ view: Object.freeze({ ...view }), socketId });
}
