// Library anywhere: paired agents and who may use them — the persistence interface.
//
// Async and interface-first like the other stores (db/types.ts); Prisma implements it
// (prisma-library-store.ts). Who may connect to an agent is decided here and nowhere else:
// its owner, and the people the owner granted access (`mayUse`).

export interface LibraryAgent {
  id: string;
  ownerId: string;
  ownerName: string;
  name: string;
  createdAt: Date;
}

export interface LibraryGrant {
  agentId: string;
  userId: string;
  displayName: string;
  email: string | null;
  createdAt: Date;
}

export interface LibraryStore {
  /** `tokenHash` is the sha256 of the token the agent keeps (auth/sessions.ts hashToken). */
  createAgent(input: { ownerId: string; name: string; tokenHash: string }): Promise<LibraryAgent>;
  findAgent(id: string): Promise<LibraryAgent | null>;
  findAgentByTokenHash(tokenHash: string): Promise<LibraryAgent | null>;
  countByOwner(ownerId: string): Promise<number>;
  /** Agents the user owns, then those shared with them; oldest first within each. */
  listForUser(userId: string): Promise<LibraryAgent[]>;
  /** Unpairs: its grants go with it. @returns false when absent. */
  deleteAgent(id: string): Promise<boolean>;
  /** Idempotent. */
  grant(agentId: string, userId: string): Promise<void>;
  /** @returns false when there was no such grant. */
  revoke(agentId: string, userId: string): Promise<boolean>;
  listGrants(agentId: string): Promise<LibraryGrant[]>;
  /** Everyone who may use the agent: its owner and its grantees. */
  audience(agentId: string): Promise<string[]>;
  mayUse(agentId: string, userId: string): Promise<boolean>;
}
