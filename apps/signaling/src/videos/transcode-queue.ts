// The one interface callers use to get a video transcoded, whichever queue runs it:
// embedded (database + in-process workers: embedded-queue.ts) or BullMQ on Redis (bullmq-queue.ts).
import type { VideoProgressEvent } from '@roomcast/shared';

/** A progress event with the owner it goes to (the wire event is VideoProgressEvent). */
export interface TranscodeProgress extends VideoProgressEvent {
  ownerId: string;
}

export interface TranscodeQueue {
  /** Queues the video's transcode durably: it runs even if this process restarts. */
  enqueue(video: { id: string; ownerId: string }): Promise<void>;
  /** Every progress change of jobs this queue knows of. @returns unsubscribe. */
  onProgress(listener: (event: TranscodeProgress) => void): () => void;
  /** Stops taking jobs; a job in hand is handed back for another worker. Idempotent. */
  close(): Promise<void>;
}

/** A tiny fan-out for progress listeners, shared by the implementations. */
export class ProgressListeners {
  readonly #listeners = new Set<(event: TranscodeProgress) => void>();

  add(listener: (event: TranscodeProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: TranscodeProgress): void {
    for (const listener of this.#listeners) listener(event);
  }
}
