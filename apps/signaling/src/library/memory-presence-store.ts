import type { AgentPresenceStore, LibrarySession, OpenRefusal } from './presence-store.js';

/** The single-node AgentPresenceStore: plain maps in this process. */
export class MemoryAgentPresenceStore implements AgentPresenceStore {
  readonly #agents = new Map<string, string>();
  readonly #codes = new Map<string, { ownerId: string; expiresAt: number }>();
  readonly #sessions = new Map<string, LibrarySession>();

  async connect(agentId: string, socketId: string): Promise<string | null> {
    const before = this.#agents.get(agentId) ?? null;
    this.#agents.set(agentId, socketId);
    return before === socketId ? null : before;
  }

  async disconnect(agentId: string, socketId: string): Promise<LibrarySession[]> {
    if (this.#agents.get(agentId) === socketId) this.#agents.delete(agentId);
    const ended = [...this.#sessions.values()].filter((s) => s.agentSocketId === socketId);
    for (const s of ended) this.#sessions.delete(s.sessionId);
    return ended;
  }

  async socketOf(agentId: string): Promise<string | null> {
    return this.#agents.get(agentId) ?? null;
  }

  async online(agentIds: readonly string[]): Promise<Set<string>> {
    return new Set(agentIds.filter((id) => this.#agents.has(id)));
  }

  async addPairingCode(codeHash: string, ownerId: string, expiresAt: number, cap: number, now: number): Promise<boolean> {
    // Expired codes are dropped here, so the map never outgrows the live ones.
    for (const [hash, code] of this.#codes) if (code.expiresAt <= now) this.#codes.delete(hash);
    const held = [...this.#codes.values()].filter((c) => c.ownerId === ownerId).length;
    if (held >= cap) return false;
    this.#codes.set(codeHash, { ownerId, expiresAt });
    return true;
  }

  async takePairingCode(codeHash: string, now: number): Promise<string | null> {
    const code = this.#codes.get(codeHash);
    this.#codes.delete(codeHash);
    return code && code.expiresAt > now ? code.ownerId : null;
  }

  async openSession(session: LibrarySession, caps: { perAccount: number; perAgent: number }): Promise<OpenRefusal | null> {
    const open = [...this.#sessions.values()];
    if (open.filter((s) => s.userId === session.userId).length >= caps.perAccount) return 'account_cap';
    if (open.filter((s) => s.agentId === session.agentId).length >= caps.perAgent) return 'agent_cap';
    this.#sessions.set(session.sessionId, session);
    return null;
  }

  async session(sessionId: string): Promise<LibrarySession | null> {
    return this.#sessions.get(sessionId) ?? null;
  }

  async closeSession(sessionId: string): Promise<LibrarySession | null> {
    const session = this.#sessions.get(sessionId) ?? null;
    this.#sessions.delete(sessionId);
    return session;
  }

  async sessionsWhere(match: Partial<Pick<LibrarySession, 'agentId' | 'userId' | 'browserSocketId'>>): Promise<LibrarySession[]> {
    const keys = Object.entries(match) as [keyof LibrarySession, string][];
    return [...this.#sessions.values()].filter((s) => keys.every(([k, v]) => s[k] === v));
  }
}
