/**
 * Moderation state of one room, keyed by account rather than by peer: it must outlive a
 * peer (a rejoin, a worker respawn) and even an empty room, or a removed person could walk
 * straight back in. In memory: the single-node store; bans expire, so it stays small.
 */
export class RoomPolicy {
  moderated = false;
  /** userId → epoch ms when the ban ends. */
  readonly #bans = new Map<string, number>();
  /** Accounts a moderator muted; cleared when they are allowed (or, unmoderated, unmute). */
  readonly #muted = new Set<string>();

  ban(userId: string, untilMs: number): void {
    this.#bans.set(userId, untilMs);
    this.#muted.delete(userId);
  }

  /** When the account's ban ends, or undefined when it is not banned (expired bans are forgotten). */
  bannedUntil(userId: string, nowMs = Date.now()): number | undefined {
    const until = this.#bans.get(userId);
    if (until === undefined) return undefined;
    if (until > nowMs) return until;
    this.#bans.delete(userId);
    return undefined;
  }

  setMuted(userId: string, muted: boolean): void {
    if (muted) this.#muted.add(userId);
    else this.#muted.delete(userId);
  }

  isMuted(userId: string): boolean {
    return this.#muted.has(userId);
  }

  /** Nothing worth keeping once the room is empty. */
  isDefault(nowMs = Date.now()): boolean {
    for (const [userId] of this.#bans) this.bannedUntil(userId, nowMs);
    return !this.moderated && this.#bans.size === 0 && this.#muted.size === 0;
  }
}
