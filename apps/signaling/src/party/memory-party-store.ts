import { RoomcastError, type PartyMember } from '@roomcast/shared';
import type { Party, PartyStore } from './party-store.js';

/** Deep-freezes a party so no caller can change shared state behind the store's back. */
function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) freeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The single-node PartyStore. Updates run synchronously inside one call, so they are atomic. */
export class MemoryPartyStore implements PartyStore {
  readonly #parties = new Map<string, Party>();

  async create(party: Party): Promise<Party> {
    if (this.#parties.has(party.roomId)) throw new RoomcastError('conflict', 'this room already has a party');
    const stored = freeze(structuredClone(party));
    this.#parties.set(party.roomId, stored);
    return stored;
  }

  async get(roomId: string): Promise<Party | undefined> {
    return this.#parties.get(roomId);
  }

  async update(roomId: string, change: (party: Party) => Party): Promise<Party> {
    const party = this.#parties.get(roomId);
    if (!party) throw new RoomcastError('not_found', 'this party has ended');
    const next = freeze({ ...change(party), revision: party.revision + 1 });
    this.#parties.set(roomId, next);
    return next;
  }

  async delete(roomId: string): Promise<void> {
    this.#parties.delete(roomId);
  }

  async countByCreator(creatorId: string): Promise<number> {
    let count = 0;
    for (const party of this.#parties.values()) if (party.creatorId === creatorId) count++;
    return count;
  }

  async findMember(meshId: string): Promise<{ roomId: string; member: PartyMember } | undefined> {
    for (const party of this.#parties.values()) {
      const member = party.members.find((m) => m.meshId === meshId);
      if (member) return { roomId: party.roomId, member };
    }
    return undefined;
  }

  async allows(userId: string, videoId: string): Promise<boolean> {
    for (const party of this.#parties.values()) {
      const plays = party.videoId === videoId || party.queue.some((item) => item.videoId === videoId);
      if (plays && party.members.some((m) => m.userId === userId)) return true;
    }
    return false;
  }
}
