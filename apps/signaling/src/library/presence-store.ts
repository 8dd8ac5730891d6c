// Live library state shared by every signaling instance: which agents are online (and on which
// socket), pairing codes waiting to be typed, and the browser ↔ agent sessions signaling opened.
// Async so a Redis implementation drops in; memory-presence-store.ts is the single-node one.

export interface LibrarySession {
  sessionId: string;
  agentId: string;
  userId: string;
  /** socket.io ids in the `/library` and `/agent` namespaces. */
  browserSocketId: string;
  agentSocketId: string;
  relay: boolean;
}

export type OpenRefusal = 'account_cap' | 'agent_cap';

export interface AgentPresenceStore {
  /** Records the agent on this socket. @returns the socket it was on before (to be disconnected), if any. */
  connect(agentId: string, socketId: string): Promise<string | null>;
  /** Forgets the agent if it is still on this socket. @returns the sessions that ended with it. */
  disconnect(agentId: string, socketId: string): Promise<LibrarySession[]>;
  socketOf(agentId: string): Promise<string | null>;
  /** Which of these agents are online. */
  online(agentIds: readonly string[]): Promise<Set<string>>;

  /** Keeps a pairing code (its hash) for its owner; refused when the owner already holds `cap`. */
  addPairingCode(codeHash: string, ownerId: string, expiresAt: number, cap: number, now: number): Promise<boolean>;
  /** One use: the owner of an unexpired code, which is then gone. */
  takePairingCode(codeHash: string, now: number): Promise<string | null>;

  /** Opens a session unless the account or the agent is at its cap. */
  openSession(session: LibrarySession, caps: { perAccount: number; perAgent: number }): Promise<OpenRefusal | null>;
  session(sessionId: string): Promise<LibrarySession | null>;
  /** @returns the session when it was open. */
  closeSession(sessionId: string): Promise<LibrarySession | null>;
  /** Open sessions matching every given field. */
  sessionsWhere(match: Partial<Pick<LibrarySession, 'agentId' | 'userId' | 'browserSocketId'>>): Promise<LibrarySession[]>;
}
