/**
 * Which connections are open for each account and each sign-in, so that signing out or a
 * role change reaches the sockets already open. Asynchronous so a Redis implementation (one
 * set per account and per session, across signaling nodes) drops in beside the memory one.
 */
export interface SocketEntry {
  socketId: string;
  userId: string;
  sessionKey: string;
}

export interface SocketRegistry {
  /** Registers the connection unless the account already has `limit` open; false then. */
  add(entry: SocketEntry, limit: number): Promise<boolean>;
  remove(socketId: string): Promise<void>;
  byAccount(userId: string): Promise<readonly string[]>;
  bySession(sessionKey: string): Promise<readonly string[]>;
  count(): Promise<number>;
}

export class MemorySocketRegistry implements SocketRegistry {
  readonly #entries = new Map<string, SocketEntry>();
  readonly #byAccount = new Map<string, Set<string>>();
  readonly #bySession = new Map<string, Set<string>>();

  async add(entry: SocketEntry, limit: number): Promise<boolean> {
    if ((this.#byAccount.get(entry.userId)?.size ?? 0) >= limit) return false;
    this.#entries.set(entry.socketId, { ...entry });
    index(this.#byAccount, entry.userId).add(entry.socketId);
    index(this.#bySession, entry.sessionKey).add(entry.socketId);
    return true;
  }

  async remove(socketId: string): Promise<void> {
    const entry = this.#entries.get(socketId);
    if (!entry) return;
    this.#entries.delete(socketId);
    unindex(this.#byAccount, entry.userId, socketId);
    unindex(this.#bySession, entry.sessionKey, socketId);
  }

  async byAccount(userId: string): Promise<readonly string[]> {
    return [...(this.#byAccount.get(userId) ?? [])];
  }

  async bySession(sessionKey: string): Promise<readonly string[]> {
    return [...(this.#bySession.get(sessionKey) ?? [])];
  }

  async count(): Promise<number> {
    return this.#entries.size;
  }
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function unindex(map: Map<string, Set<string>>, key: string, socketId: string): void {
  const set = map.get(key);
  set?.delete(socketId);
  if (set?.size === 0) map.delete(key);
}
