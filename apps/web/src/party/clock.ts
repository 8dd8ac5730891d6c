import { estimateOffset, SYNC, type ClockSample } from '@roomcast/shared';

/** Local monotonic milliseconds on the epoch scale (Date.now() can jump; this cannot). */
export const localNow = (): number => performance.timeOrigin + performance.now();

/**
 * The member's reading of the party's (the server's) clock: repeated NTP-style exchanges over
 * the room's socket, the shortest round trip kept. Reads are cheap and synchronous.
 */
export class PartyClock {
  private samples: ClockSample[] = [];
  private offsetMs = 0;
  rttMs: number | null = null;

  constructor(
    private readonly ask: () => Promise<{ serverTime: number }>,
    private readonly now: () => number = localNow,
  ) {}

  /** A first, rough offset from the join answer (off by up to one round trip). */
  seed(serverTime: number): void {
    if (this.samples.length === 0) this.offsetMs = serverTime - this.now();
  }

  /** Server epoch ms now, by the best estimate so far. */
  serverNow(): number {
    return this.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** `count` exchanges one after another; old samples age out so a changed path is noticed. */
  async sync(count: number = SYNC.timeSamples): Promise<void> {
    for (let i = 0; i < count; i++) {
      const sentAt = this.now();
      const { serverTime } = await this.ask();
      this.samples = [...this.samples, { sentAt, serverTime, receivedAt: this.now() }].slice(-2 * SYNC.timeSamples);
      const best = estimateOffset(this.samples);
      if (best) {
        this.offsetMs = best.offsetMs;
        this.rttMs = best.rttMs;
      }
    }
  }
}
