import { systemClock, type Clock } from './clock.js';
import type { ModerationStore, ModerationView } from './moderation-store.js';

interface RoomModeration {
  moderated: boolean;
  /** userId → epoch ms when the ban ends. */
  bans: Map<string, number>;
  /** Accounts a moderator muted; cleared when allowed (or, unmoderated, when they unmute). */
  muted: Set<string>;
}

/** The single-node moderation store. Expired bans are dropped as they are read or added. */
export class MemoryModerationStore implements ModerationStore {
  readonly #rooms = new Map<string, RoomModeration>();

  constructor(
    private readonly banMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async view(roomId: string, userId: string): Promise<ModerationView> {
    const room = this.#rooms.get(roomId);
    if (!room) return { moderated: false, muted: false, bannedUntil: undefined };
    this.#expire(roomId, room);
    return { moderated: room.moderated, muted: room.muted.has(userId), bannedUntil: room.bans.get(userId) };
  }

  async ban(roomId: string, userId: string): Promise<number> {
    const room = this.#room(roomId);
    const until = this.clock() + this.banMs;
    room.bans.set(userId, until);
    room.muted.delete(userId);
    this.#expire(roomId, room);
    return until;
  }

  async setMuted(roomId: string, userId: string, muted: boolean): Promise<void> {
    if (muted) this.#room(roomId).muted.add(userId);
    else this.#rooms.get(roomId)?.muted.delete(userId);
  }

  async setModerated(roomId: string, moderated: boolean): Promise<void> {
    this.#room(roomId).moderated = moderated;
  }

  async forget(roomId: string): Promise<void> {
    this.#rooms.delete(roomId);
  }

  #room(roomId: string): RoomModeration {
    let room = this.#rooms.get(roomId);
    if (!room) {
      room = { moderated: false, bans: new Map(), muted: new Set() };
      this.#rooms.set(roomId, room);
    }
    return room;
  }

  /** Drops ended bans, and the room's entry once nothing in it is worth keeping. */
  #expire(roomId: string, room: RoomModeration): void {
    const now = this.clock();
    for (const [userId, until] of room.bans) if (until <= now) room.bans.delete(userId);
    if (!room.moderated && room.bans.size === 0 && room.muted.size === 0) this.#rooms.delete(roomId);
  }
}
