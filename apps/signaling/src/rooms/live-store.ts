import type { PeerView, ProducerInfo, RoomKind } from '@roomcast/shared';

/**
 * Who is in which room right now and what they publish: the state every signaling node must
 * agree on. Callers only ever see immutable views; each membership change of one room is
 * serialised inside the store. `MemoryLiveStore` is the single-node implementation; a Redis
 * one drops in behind the same methods for a cluster.
 */
export interface LivePeer {
  readonly view: PeerView;
  /** The socket.io connection that holds this membership. */
  readonly socketId: string;
}

export interface LiveRoomInfo {
  readonly id: string;
  readonly kind: RoomKind;
  readonly ownerId: string;
}

export interface LiveRoomView extends LiveRoomInfo {
  readonly peers: readonly LivePeer[];
  readonly producers: readonly ProducerInfo[];
  /** The SFU's latest dominant speaker, so a joiner sees it before the next change. */
  readonly activeSpeakerId: string | null;
}

export interface JoinOutcome {
  /** Who was there before this peer, and what they publish. */
  readonly peers: readonly PeerView[];
  readonly producers: readonly ProducerInfo[];
  readonly activeSpeakerId: string | null;
}

export interface LeaveOutcome {
  /** False when the peer was not (or no longer) a member. */
  readonly left: boolean;
  /** Nobody is in the room any more: its media may be closed. */
  readonly empty: boolean;
}

export type PeerPatch = Partial<Pick<PeerView, 'mic' | 'moderatorMuted' | 'role'>>;

export interface LiveStats {
  rooms: number;
  peers: number;
  producers: number;
}

export interface LiveRoomStore {
  /** Adds the peer; refuses with `room_full` when `limit` people are already in. */
  join(room: LiveRoomInfo, peer: LivePeer, limit: number): Promise<JoinOutcome>;
  /** Removes the peer and its producers, and answers whether the room emptied. */
  leave(roomId: string, peerId: string): Promise<LeaveOutcome>;
  room(roomId: string): Promise<LiveRoomView | undefined>;
  peer(roomId: string, peerId: string): Promise<LivePeer | undefined>;
  /** People in each room (0 for rooms nobody is in). */
  participants(roomIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** Changes a peer's public details; the new view to broadcast, or undefined when it is gone. */
  updatePeer(roomId: string, peerId: string, patch: PeerPatch): Promise<PeerView | undefined>;
  /** Records a producer; false (nothing recorded) when its peer is no longer a member. */
  addProducer(roomId: string, producer: ProducerInfo): Promise<boolean>;
  removeProducer(roomId: string, producerId: string): Promise<ProducerInfo | undefined>;
  setProducerPaused(roomId: string, producerId: string, paused: boolean): Promise<ProducerInfo | undefined>;
  setActiveSpeaker(roomId: string, peerId: string | null): Promise<void>;
  /** The media server lost the room: nobody publishes anything until they rejoin. */
  resetMedia(roomId: string): Promise<void>;
  /** Drops the room; answers who was still in it (to be told). */
  close(roomId: string): Promise<readonly LivePeer[]>;
  /**
   * Since when nobody has been in the room (epoch ms), or undefined while someone is. A room
   * the store has never seen counts as empty since the store started.
   */
  idleSince(roomId: string): Promise<number | undefined>;
  stats(): Promise<LiveStats>;
}
