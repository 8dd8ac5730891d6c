import type { TransportOptions } from '@roomcast/shared';
import type { Device, types } from 'mediasoup-client';

/** Thrown inside a join attempt once a newer attempt (or close) has replaced it. */
export class Superseded extends Error {
  constructor() {
    super('superseded by a newer join attempt');
    this.name = 'Superseded';
  }
}

export type Direction = 'send' | 'recv';

/** A transport and the server's answer that made it (a receive transport's carries consumers). */
export interface OpenTransport {
  transport: types.Transport;
  options: TransportOptions;
}

/**
 * Every mediasoup object of one join attempt. A rejoin throws the whole session away rather
 * than patching it: the router it was built against may no longer exist. Parts share its one
 * transport per direction (the microphone and a data producer ride the same send transport).
 */
export class JoinSession {
  closed = false;
  /** Set once room:join answered; a failure after that must tell the server we left. */
  joined = false;
  selfPeerId: string | null = null;
  device: Device | null = null;
  private readonly transports = new Map<Direction, Promise<OpenTransport>>();
  private readonly opened = new Map<Direction, types.Transport>();
  private readonly cleanups: (() => void)[] = [];

  /** `open` creates a transport for this session; called at most once per direction. */
  constructor(private readonly open: (session: JoinSession, direction: Direction) => Promise<OpenTransport>) {}

  /** The session's transport in `direction`, created on first use. */
  transport(direction: Direction): Promise<OpenTransport> {
    let pending = this.transports.get(direction);
    if (!pending) {
      pending = this.open(this, direction).then((opened) => {
        this.opened.set(direction, opened.transport);
        return opened;
      });
      this.transports.set(direction, pending);
    }
    return pending;
  }

  /** Awaits `promise`, then refuses to continue if this session was closed meanwhile. */
  async guard<T>(promise: Promise<T>): Promise<T> {
    const value = await promise;
    this.check();
    return value;
  }

  check(): void {
    if (this.closed) throw new Superseded();
  }

  /** Runs `cleanup` when the session closes (at once if it already has). */
  onClose(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Every transport carries media (one that never carried any, like an unused send transport, stays `new`). */
  get mediaConnected(): boolean {
    return [...this.opened.values()].every((t) => t.connectionState === 'connected' || t.connectionState === 'new');
  }

  /** Idempotent. Closing a transport closes its producers and consumers with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
    for (const transport of this.opened.values()) transport.close();
    // A transport still being created is closed by its opener, which sees the session closed.
  }
}
