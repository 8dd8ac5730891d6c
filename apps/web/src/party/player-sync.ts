import { correctDrift, positionAt, SYNC, type PlaybackState } from '@roomcast/shared';

/** What the drift loop has done, for the page and the benchmark. */
export interface SyncStats {
  /** The element's position minus the party's, last measured (ms; positive: ahead). */
  driftMs: number | null;
  rateNudges: number;
  seeks: number;
}

/** How often drift is measured and corrected. */
const TICK_MS = 100;

/**
 * Keeps one <video> on the party's clock. A state takes effect at its server time `at` (a
 * timer waits for it, so every member switches together); between states, a loop measures
 * the element against the clock and nudges playbackRate (small drift) or seeks (large drift),
 * by the shared rules in `correctDrift`.
 */
export class PlayerSync {
  private state: PlaybackState | null = null;
  private pending: ReturnType<typeof setTimeout> | null = null;
  private timer: ReturnType<typeof setInterval>;
  private nudging = false;
  private settleUntil = 0;
  private durationS = Infinity;
  /** Since when the element has been unable to play while the party plays (null: it can). */
  private stalledSince: number | null = null;
  private reportedStall = false;
  readonly stats: SyncStats = { driftMs: null, rateNudges: 0, seeks: 0 };

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly serverNow: () => number,
    /** Tells the party this member is buffering (true) or ready again (false). */
    private readonly onStall: (buffering: boolean) => void = () => {},
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // A tab back from the background catches up at once instead of at the next tick.
    document.addEventListener('visibilitychange', this.onVisible);
  }

  current(): PlaybackState | null {
    return this.state;
  }

  /** Takes a state (newer than the one held): now if its time has come, else at its time. */
  setState(next: PlaybackState, durationS?: number): void {
    if (durationS !== undefined) this.durationS = durationS;
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    const wait = next.at - this.serverNow();
    if (wait > 4) this.pending = setTimeout(() => this.apply(next), wait);
    else this.apply(next);
  }

  close(): void {
    clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    document.removeEventListener('visibilitychange', this.onVisible);
  }

  /** Puts the element where the party is now (its source changed: another quality reloads at 0). */
  resync(): void {
    if (this.state) this.apply(this.state);
  }

  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') this.resync();
  };

  private expected(state: PlaybackState): number {
    return Math.min(positionAt(state, this.serverNow()), this.durationS);
  }

  private apply(state: PlaybackState): void {
    this.pending = null;
    this.state = state;
    this.nudging = false;
    const video = this.video;
    video.playbackRate = state.rate;
    const target = this.expected(state);
    if (state.paused) {
      video.pause();
      if (Math.abs(video.currentTime - target) > 0.001) this.seek(target);
      return;
    }
    if (Math.abs(video.currentTime - target) * 1000 > SYNC.deadbandMs) this.seek(target + (SYNC.seekAheadMs / 1000) * state.rate);
    if (video.paused) void video.play().catch(() => undefined);
  }

  private seek(position: number): void {
    this.stats.seeks++;
    this.video.currentTime = Math.max(0, Math.min(position, this.durationS));
    this.settleUntil = this.serverNow() + SYNC.settleMs;
  }

  /**
   * A stall is reported only once it lasts (a correction's own seek is brief), and only while
   * the party plays or waits; readiness again is reported at once, so the party resumes.
   */
  private watchStall(state: PlaybackState): void {
    const now = this.serverNow();
    const cannotPlay = this.video.readyState < 3;
    if (!cannotPlay) {
      this.stalledSince = null;
      if (this.reportedStall) {
        this.reportedStall = false;
        this.onStall(false);
      }
      return;
    }
    if (state.paused || now < state.at || this.reportedStall) return;
    this.stalledSince ??= now;
    if (now - this.stalledSince >= SYNC.stallReportMs) {
      this.reportedStall = true;
      this.onStall(true);
    }
  }

  private tick(): void {
    const state = this.state;
    const video = this.video;
    if (!state) return;
    this.watchStall(state);
    if (state.paused) {
      if (!video.paused) video.pause();
      return;
    }
    if (video.seeking || video.readyState < 3 || this.serverNow() < this.settleUntil) return;
    const expectedS = this.expected(state);
    if (expectedS >= this.durationS) return;
    if (video.paused) void video.play().catch(() => undefined);
    const driftMs = (video.currentTime - expectedS) * 1000;
    this.stats.driftMs = Math.round(driftMs * 10) / 10;
    const correction = correctDrift({ driftMs, partyRate: state.rate, expectedS, nudging: this.nudging });
    if (correction.kind === 'seek') {
      this.nudging = false;
      video.playbackRate = state.rate;
      this.seek(correction.position);
    } else if (correction.kind === 'rate') {
      if (!this.nudging && correction.rate !== state.rate) this.stats.rateNudges++;
      this.nudging = correction.rate !== state.rate;
      video.playbackRate = correction.rate;
    }
  }
}
