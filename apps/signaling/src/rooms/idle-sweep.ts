import type { Logger } from 'pino';
import type { RoomStore } from '../db/index.js';
import type { Clock } from './clock.js';
import type { LiveRoomStore } from './live-store.js';

export interface IdleSweepDeps {
  rooms: RoomStore;
  live: LiveRoomStore;
  /** A room nobody has been in for this long is closed. */
  idleMs: number;
  clock: Clock;
  /** Closes the room for good (database, members, media). */
  close: (roomId: string, reason: string) => Promise<void>;
  /** Rooms that live as long as something else (a DJ channel's room), never expired here. */
  keep?: (roomId: string) => Promise<boolean>;
  log: Logger;
}

const PAGE = 500;
/** Bounds one sweep's work; what is left waits for the next one. */
const MAX_PAGES = 20;

/**
 * Empty rooms expire: a periodic sweep closes every open room that has had nobody in it for
 * the idle time. Only rooms created before the cutoff can qualify, so the database pages
 * through those alone; the live store says who is idle.
 */
export class IdleRoomSweep {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(private readonly deps: IdleSweepDeps) {}

  /** One pass; answers how many rooms it closed. Overlapping calls share one pass. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  start(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.deps.log.error({ err: error }, 'idle room sweep failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #sweep(): Promise<number> {
    const { rooms, live, idleMs, clock, close, log } = this.deps;
    const cutoff = clock() - idleMs;
    let before = new Date(cutoff);
    let closed = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const batch = await rooms.listOpen({ createdBefore: before, limit: PAGE });
      for (const room of batch) {
        const since = await live.idleSince(room.id);
        if (since === undefined || since > cutoff) continue;
        if (await this.deps.keep?.(room.id)) continue;
        await close(room.id, 'the room expired after being empty');
        closed += 1;
      }
      if (batch.length < PAGE) break;
      before = batch.at(-1)!.createdAt;
    }
    if (closed > 0) log.info({ closed, idleHours: idleMs / 3_600_000 }, 'closed idle rooms');
    return closed;
  }
}
