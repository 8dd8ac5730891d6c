/** Something a peer opened towards us: a PeerJS data connection or media call. */
export interface Arrival {
  readonly peer: string;
  close(): void;
}

/** How long an arrival from someone not (yet) on the server's list is held before it is refused. */
export const EARLY_HOLD_MS = 5_000;

/**
 * Connections from peers the server has not yet told us about. A newcomer learns the members
 * from its join answer and dials at once, while the members learn of it from a presence event
 * that can come later: refusing its dial then costs the pair a whole open timeout. So an
 * arrival is held until the member list admits its peer (then handed over) or for
 * EARLY_HOLD_MS (then closed). One held arrival per peer: a newer one replaces it.
 */
export class EarlyArrivals<T extends Arrival> {
  private readonly held = new Map<string, { arrival: T; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly admit: (arrival: T) => void) {}

  hold(arrival: T): void {
    this.drop(arrival.peer);
    const timer = setTimeout(() => this.drop(arrival.peer), EARLY_HOLD_MS);
    this.held.set(arrival.peer, { arrival, timer });
  }

  /** The member list changed: hands over every held arrival whose peer is on it now. */
  membersChanged(members: ReadonlySet<string>): void {
    for (const [peer, { arrival, timer }] of [...this.held]) {
      if (!members.has(peer)) continue;
      clearTimeout(timer);
      this.held.delete(peer);
      this.admit(arrival);
    }
  }

  close(): void {
    for (const peer of [...this.held.keys()]) this.drop(peer);
  }

  private drop(peer: string): void {
    const entry = this.held.get(peer);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.held.delete(peer);
    entry.arrival.close();
  }
}
