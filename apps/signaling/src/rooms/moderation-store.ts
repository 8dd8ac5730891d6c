/**
 * Moderation of each room, keyed by account rather than by peer: it must outlive a peer (a
 * rejoin, a worker respawn) and an empty room, or a removed person could walk straight back
 * in. Asynchronous so a Redis implementation drops in beside `MemoryModerationStore`.
 */
export interface ModerationView {
  readonly moderated: boolean;
  /** The account is moderator-muted in this room. */
  readonly muted: boolean;
  /** When the account's ban ends (epoch ms), or undefined when it is not banned. */
  readonly bannedUntil: number | undefined;
}

export interface ModerationStore {
  /** What applies to this account in this room, in one call (a join reads all of it). */
  view(roomId: string, userId: string): Promise<ModerationView>;
  /** Refuses the account in the room for the configured ban length; answers when it ends. */
  ban(roomId: string, userId: string): Promise<number>;
  setMuted(roomId: string, userId: string, muted: boolean): Promise<void>;
  setModerated(roomId: string, moderated: boolean): Promise<void>;
  /** The room closed for good: nothing about it is worth keeping. */
  forget(roomId: string): Promise<void>;
}
