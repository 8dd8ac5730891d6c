import { RangeStream } from '@roomcast/shared';
import { ApiError } from '../api/errors';
import type { AgentLink } from './agent-link';

/** The URL the <audio> element plays: answered by public/library-sw.js, never by the server. */
export const streamUrl = (agentId: string, trackId: string): string => `/library/stream/${encodeURIComponent(agentId)}/${encodeURIComponent(trackId)}`;

/** Data saver: the same track as Opus at about `kbps`, starting `startMs` in (a seek is a new URL). */
export const transcodeUrl = (agentId: string, trackId: string, kbps: number, startMs: number): string =>
  `${streamUrl(agentId, trackId)}?kbps=${kbps}&t=${Math.max(0, Math.round(startMs))}`;

interface TranscodeAsk {
  type: 'library-transcode';
  agentId: string;
  trackId: string;
  kbps: number;
  startMs: number;
}

interface ReadAsk {
  type: 'library-read';
  agentId: string;
  trackId: string;
  start: number;
  end: number;
}

let installed: Promise<void> | null = null;

/**
 * Installs the Service Worker (once per page) and answers its range requests from whatever link
 * `current()` returns: the bytes come from the agent, over the data channel or the relay. A read
 * cut by a rung change is asked again on the new carrier, so playback resumes at the same byte.
 */
export function startStreamBridge(current: () => AgentLink | null): Promise<void> {
  installed ??= (async () => {
    if (!('serviceWorker' in navigator)) throw new Error('this browser cannot play from your library (no Service Workers; use HTTPS)');
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
      const ask = event.data as ReadAsk | TranscodeAsk | undefined;
      const port = event.ports[0];
      if (ask?.type === 'library-transcode' && port) return streamTranscode(current(), ask, port);
      if (ask?.type === 'library-read' && port) streamRange(current(), ask, port);
    });
    const controlled = new Promise<void>((resolve) => {
      if (navigator.serviceWorker.controller) return resolve();
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
    });
    await navigator.serviceWorker.register('/library-sw.js', { scope: '/' });
    await controlled;
  })();
  return installed;
}

/** How long a range request waits for a restarted agent before the player is told it failed. */
const RECONNECT_WAIT_MS = 20_000;

/** A lost carrier (a rung change, an agent restart), not a refusal: worth asking again once the link is back. */
const carrierLost = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'unavailable';

/**
 * Data saver: a transcode stream the link lost mid-way (`trackId` at `kbps`). Its bytes cannot
 * go on in another stream (a new transcode is a new Ogg stream), so the player starts a new one
 * from where it is; it returns true when it does.
 */
export type TranscodeCut = (cut: { trackId: string; kbps: number }) => boolean;
const cutListeners = new Set<TranscodeCut>();

/** Listens for data-saver streams cut by a lost carrier; returns the unsubscribe. */
export function onTranscodeCut(listener: TranscodeCut): () => void {
  cutListeners.add(listener);
  return () => {
    cutListeners.delete(listener);
  };
}

/** Waits for the link's next session after a lost carrier; rejects when the loss is final or the agent stays away. */
export async function reconnect(link: AgentLink, error: unknown): Promise<void> {
  // Only a lost carrier is worth another try; a refusal (not found, forbidden) is final.
  if (!carrierLost(error)) throw error;
  // Closed for good (access revoked, the person closed it): fail now, not after the wait.
  if ((link.view.state as string) === 'closed') throw new Error(link.view.message || 'not connected to that library');
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([link.ready, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('your computer did not come back')), RECONNECT_WAIT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A range for the Service Worker, streamed: the header, then every chunk as it arrives (in
 * order, two reads ahead), `readDone` after each read so the worker may ask `more`, then the
 * end. A read cut by a rung change or an agent restart waits for the next session and goes on
 * from the first byte not yet sent, so the element sees one unbroken response.
 */
function streamRange(link: AgentLink | null, ask: ReadAsk, port: MessagePort): void {
  const fail = (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error), status: 502 });
  if (!link || link.agentId !== ask.agentId) return fail(new Error('not connected to that library'));
  let stream: RangeStream | null = null;
  let cancelled = false;
  port.onmessage = (e: MessageEvent) => {
    const m = e.data as { more?: boolean; cancel?: boolean } | undefined;
    if (m?.cancel) {
      cancelled = true;
      stream?.cancel();
    } else if (m?.more) stream?.more();
  };
  const sink = {
    header: (h: { start: number; length: number; size: number; mime: string }) => port.postMessage({ header: h }),
    chunk: (bytes: Uint8Array) => port.postMessage({ chunk: bytes.buffer }, [bytes.buffer as ArrayBuffer]),
  };
  // The first session may still be connecting: wait for it as for a reconnect.
  void reconnect(link, new ApiError('unavailable', 'connecting'))
    .then(() => {
      if (cancelled) return;
      stream = new RangeStream(link.client, ask.trackId, ask.start, ask.end, sink, {
        reconnect: (error) => reconnect(link, error),
        // Each finished read lets the worker ask for one more when the element pulls.
        onReadDone: () => port.postMessage({ readDone: true }),
      });
      return stream.done;
    })
    .then(
      () => cancelled || port.postMessage({ end: true }),
      (error: unknown) => cancelled || fail(error),
    );
}

/**
 * Data saver: streams the agent's Opus to the Service Worker as it arrives — the header first
 * (the worker answers the element with it), then each chunk, then the end. The worker says
 * `cancel` when the element drops the response (a seek or another track), and the agent stops.
 * A stream cut by a lost carrier is left open when the player takes it over: the element plays
 * what it has while the link comes back, then the player loads a new stream from where it is.
 */
function streamTranscode(link: AgentLink | null, ask: TranscodeAsk, port: MessagePort): void {
  if (!link || link.agentId !== ask.agentId) return port.postMessage({ error: 'not connected to that library' });
  const id = link.client.nextRequestId;
  let cancelled = false;
  let started = false;
  port.onmessage = (e: MessageEvent) => {
    if ((e.data as { cancel?: boolean } | undefined)?.cancel) {
      cancelled = true;
      link.client.cancel(id);
    }
  };
  link.client
    .transcode(
      ask.trackId,
      { kbps: ask.kbps, startMs: ask.startMs },
      (chunk) => port.postMessage({ chunk: chunk.buffer }, [chunk.buffer as ArrayBuffer]),
      (header) => {
        started = true;
        port.postMessage({ header });
      },
    )
    .then(
      () => port.postMessage({ end: true }),
      (error: unknown) => {
        if (cancelled) return;
        const cut = { trackId: ask.trackId, kbps: ask.kbps };
        const taken = carrierLost(error) && [...cutListeners].filter((listener) => listener(cut)).length > 0;
        if (!(taken && started)) port.postMessage({ error: error instanceof Error ? error.message : String(error) });
      },
    );
}
