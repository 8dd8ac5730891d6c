import type { ChatMessage, ControlLock, PartyMember, PlaybackState, QueueItem } from '@roomcast/shared';

/**
 * A watch party's shared state: what every signaling node must agree on. Callers only see
 * immutable views; every change goes through `update` with a pure function of the old party
 * (party-rules.ts), which the store applies atomically per party. The in-memory store runs it
 * in place; a Redis store can run the same function under WATCH/MULTI and retry.
 */
export interface Party {
  readonly roomId: string;
  readonly creatorId: string;
  /** Salted hash of the PIN (pin-hash.ts), or null for an open party. */
  readonly pinHash: string | null;
  readonly videoId: string;
  readonly videoTitle: string;
  /** The video's length in seconds: seeks land inside it. */
  readonly durationS: number;
  readonly hostPeerId: string | null;
  /** Voice is peer to peer up to this many members, on the SFU past it (PARTY_MESH_VOICE_MAX). */
  readonly meshVoiceMax: number;
  /** Members whose peer links to someone failed: while any has, voice goes through the SFU. */
  readonly meshFailed?: readonly string[];
  readonly controls: ControlLock;
  readonly state: PlaybackState;
  /** In join order: the role passes to the longest present. */
  readonly members: readonly PartyMember[];
  readonly queue: readonly QueueItem[];
  readonly chat: readonly ChatMessage[];
  /** Bumped by the store on every update: orders what members are told (presence `rev`). */
  readonly revision: number;
}

export interface PartyStore {
  /** Refuses with `conflict` when the room already has a party. */
  create(party: Party): Promise<Party>;
  get(roomId: string): Promise<Party | undefined>;
  /**
   * Applies `change` atomically and bumps `revision`; `not_found` when the party is gone. Errors
   * thrown by `change` leave the party as it was.
   */
  update(roomId: string, change: (party: Party) => Party): Promise<Party>;
  delete(roomId: string): Promise<void>;
  /** Parties this account created that still exist (a per-person cap). */
  countByCreator(creatorId: string): Promise<number>;
  /** The membership a PeerJS mesh id belongs to (the peer server admits only its owner). */
  findMember(meshId: string): Promise<{ roomId: string; member: PartyMember } | undefined>;
  /** Whether the account is a member of a party that plays or queues the video (videos/video-store.ts VideoAccess). */
  allows(userId: string, videoId: string): Promise<boolean>;
}
