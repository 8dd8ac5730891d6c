import type { AgentStatus, LibraryRung } from '@roomcast/shared';
import type { ScanProgress, ScanResult } from './scanner.js';
import type { IndexChange } from './watcher.js';

/** What the status page needs of the running agent (agent.ts's RunningAgent has it). */
export interface StatusSource {
  pairing(): { name: string | null; ownerName: string | null; online: boolean } | null;
  sessions(): { id: string; open: { displayName: string }; openedAt: Date; rung(): LibraryRung | null; bytesRead(): number }[];
}

/**
 * Bytes per second over a sliding window, from a growing byte count sampled now and then
 * (each status request samples; a clock is passed in so tests need no waiting).
 */
export class RateMeter {
  readonly #samples: { at: number; bytes: number }[] = [];

  constructor(
    private readonly windowMs = 3000,
    /** A rate over less than this is spread over this much: one 64 KiB chunk in 50 ms is no 1.3 MB/s. */
    private readonly minSpanMs = 1000,
  ) {}

  sample(at: number, bytes: number): number {
    this.#samples.push({ at, bytes });
    // Keep one sample at or before the window's start, so the rate spans the whole window.
    while (this.#samples.length > 2 && this.#samples[1]!.at <= at - this.windowMs) this.#samples.shift();
    const first = this.#samples[0]!;
    const span = at - first.at;
    return span > 0 ? Math.max(0, ((bytes - first.bytes) * 1000) / Math.max(span, this.minSpanMs)) : 0;
  }
}

export interface StatusBoardOptions {
  server: string | null;
  agentName: string | null;
  folders: readonly string[];
  uploadCapBytes: number | undefined;
  /** Tracks in the index now. */
  tracks: () => number;
  now?: () => number;
}

/**
 * Everything the local status page shows, gathered as the agent runs: the scan's progress and
 * result, the watcher's changes, and — once the agent is connected — its pairing and listeners.
 */
export class StatusBoard {
  #scan: Omit<AgentStatus['scan'], 'tracks'> = { state: 'idle', done: 0, total: 0, summary: null, lastChangeAt: null };
  #source: StatusSource | null = null;
  readonly #meters = new Map<string, RateMeter>();
  readonly #now: () => number;

  constructor(private readonly options: StatusBoardOptions) {
    this.#now = options.now ?? (() => Date.now());
  }

  scanProgress(p: ScanProgress): void {
    this.#scan = { ...this.#scan, state: 'scanning', done: p.done, total: p.total };
  }

  scanDone(result: ScanResult, summary: string): void {
    this.#scan = { ...this.#scan, state: 'idle', done: result.added + result.updated, total: result.added + result.updated, summary };
  }

  watching(source: StatusSource): void {
    this.#source = source;
    this.#scan = { ...this.#scan, state: 'watching' };
  }

  changed(_change: IndexChange): void {
    this.#scan = { ...this.#scan, lastChangeAt: new Date(this.#now()).toISOString() };
  }

  snapshot(): AgentStatus {
    const now = this.#now();
    const pairing = this.#source?.pairing() ?? null;
    const sessions = this.#source?.sessions() ?? [];
    for (const id of this.#meters.keys()) if (!sessions.some((s) => s.id === id)) this.#meters.delete(id);
    return {
      pairing: { server: this.options.server, agentName: pairing?.name ?? this.options.agentName, ownerName: pairing?.ownerName ?? null, online: pairing?.online ?? false },
      folders: [...this.options.folders],
      scan: { ...this.#scan, tracks: this.options.tracks() },
      uploadCapBytes: this.options.uploadCapBytes ?? null,
      listeners: sessions.map((s) => {
        let meter = this.#meters.get(s.id);
        if (!meter) this.#meters.set(s.id, (meter = new RateMeter()));
        const bytesSent = s.bytesRead();
        return { sessionId: s.id, displayName: s.open.displayName, rung: s.rung(), bytesPerSecond: Math.round(meter.sample(now, bytesSent)), bytesSent, since: s.openedAt.toISOString() };
      }),
    };
  }
}
