import { useCallback, useEffect, useRef, useState } from 'react';
import type { TrackView } from '@roomcast/shared';
import type { AgentLink } from './agent-link';
import { keyAction, SHORTCUTS, type PlayerAction } from './player-keys';
import { current, hasNext, hasPrevious, next, nextRepeat, previous, setShuffle, type Queue } from './player-queue';
import { ApiError } from '../api/errors';
import { onTranscodeCut, reconnect, streamUrl, transcodeUrl } from './stream-bridge';

/** Data saver choices (kbit/s of Opus); 0 plays the file as it is. */
export const QUALITIES = [0, 128, 64, 32] as const;
const QUALITY_KEY = 'roomcast.library.kbps';

const clock = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function savedQuality(): number {
  const n = Number(globalThis.localStorage?.getItem(QUALITY_KEY) ?? 0);
  return (QUALITIES as readonly number[]).includes(n) ? n : 0;
}

/**
 * The library's player: a queue with shuffle and repeat, keyboard shortcuts, the Media Session
 * (lock screen and headset controls, with the album art), and "data saver" — the agent sends
 * Opus at a lower bitrate, and seeking then asks for a new stream from that time.
 */
export function LibraryPlayer({ link, queue, onQueue }: { link: AgentLink; queue: Queue<TrackView> | null; onQueue: (q: Queue<TrackView> | null) => void }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [kbps, setKbps] = useState(savedQuality);
  /** Data saver: the stream playing started this far into the track. */
  const offsetMs = useRef(0);
  const [positionMs, setPositionMs] = useState(0);
  const [showKeys, setShowKeys] = useState(false);
  const playing = current(queue);
  const durationMs = playing?.durationMs ?? 0;

  /** Starts the current track (or the same one again) at `atMs`; `play: false` only loads it (the person had paused). */
  const load = useCallback(
    (track: TrackView, atMs: number, play = true) => {
      const el = audio.current;
      if (!el) return;
      if (kbps) {
        offsetMs.current = atMs;
        el.src = transcodeUrl(link.agentId, track.id, kbps, atMs);
      } else {
        offsetMs.current = 0;
        const url = new URL(streamUrl(link.agentId, track.id), location.href).href;
        if (el.src !== url) el.src = url;
        el.currentTime = atMs / 1000;
      }
      setPositionMs(atMs);
      if (play) void el.play().catch(() => undefined);
    },
    [kbps, link],
  );

  const positionNow = () => offsetMs.current + (audio.current?.currentTime ?? 0) * 1000;

  const seekTo = (ms: number) => {
    if (!playing) return;
    const to = Math.min(Math.max(0, ms), Math.max(0, durationMs - 250));
    if (kbps) load(playing, to);
    else if (audio.current) audio.current.currentTime = to / 1000;
    setPositionMs(to);
  };

  // Data saver across a rung change (or an agent restart): the Opus stream the link lost cannot
  // go on in another one, so once the link is back a new stream starts from where the element is
  // (it plays what it has meanwhile). Another track or quality by then: nothing to resume.
  const latest = useRef({ trackId: playing?.id, kbps });
  latest.current = { trackId: playing?.id, kbps };
  const onCut = (cut: { trackId: string; kbps: number }): boolean => {
    if (!kbps || !playing || cut.trackId !== playing.id || cut.kbps !== kbps) return false;
    const track = playing;
    void reconnect(link, new ApiError('unavailable', 'the link was lost')).then(
      () => {
        // Paused meanwhile (by the person: an element out of data waits, it is not paused): stays paused.
        if (latest.current.trackId === track.id && latest.current.kbps === cut.kbps) load(track, positionNow(), !audio.current?.paused);
      },
      () => undefined,
    );
    return true;
  };
  const cutRef = useRef(onCut);
  cutRef.current = onCut;
  useEffect(() => onTranscodeCut((cut) => cutRef.current(cut)), []);

  // A new track (or another quality) starts from the top, or where the old quality was.
  const playingId = playing?.id;
  const lastQuality = useRef(kbps);
  useEffect(() => {
    if (!playing) return;
    const switching = lastQuality.current !== kbps;
    lastQuality.current = kbps;
    load(playing, switching ? positionNow() : 0);
    // Keyed on the track's id and the quality: a new queue object with the same track playing (shuffle, repeat) does not restart it.
  }, [playingId, kbps, load]);

  const go = (q: Queue<TrackView> | null) => {
    if (q && playing && current(q)?.id === playing.id) load(playing, 0);
    onQueue(q);
  };
  const onEnded = () => queue && go(next(queue, true));

  const act = (a: PlayerAction) => {
    const el = audio.current;
    if (!el || !queue) return;
    switch (a.type) {
      case 'toggle':
        return el.paused ? void el.play().catch(() => undefined) : el.pause();
      case 'seek':
        return seekTo(positionNow() + a.bySeconds * 1000);
      case 'volume':
        el.volume = Math.min(1, Math.max(0, Math.round((el.volume + a.by) * 10) / 10));
        return;
      case 'mute':
        el.muted = !el.muted;
        return;
      case 'next':
        return hasNext(queue) ? go(next(queue)) : undefined;
      case 'previous':
        // Like most players: past the first seconds, "previous" restarts the track.
        return positionNow() > 3000 || !hasPrevious(queue) ? seekTo(0) : go(previous(queue));
      case 'shuffle':
        return onQueue(setShuffle(queue, !queue.shuffle));
      case 'repeat':
        return onQueue({ ...queue, repeat: nextRepeat(queue.repeat) });
    }
  };
  // Handlers registered once read the latest state through this ref.
  const actRef = useRef(act);
  actRef.current = act;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const action = keyAction({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        targetTag: t?.tagName ?? 'BODY',
        targetType: (t as HTMLInputElement | null)?.type,
        targetEditable: t?.isContentEditable ?? false,
      });
      if (!action) return;
      e.preventDefault();
      actRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Media Session: what the lock screen shows, and its buttons.
  useEffect(() => {
    if (!('mediaSession' in navigator) || !playing) return;
    const session = navigator.mediaSession;
    let art: string | null = null;
    let stale = false;
    const meta = { title: playing.title, artist: playing.artist, album: playing.album };
    session.metadata = new MediaMetadata(meta);
    if (playing.hasCover) {
      link.client.cover(playing.id).then(
        ({ mime, bytes }) => {
          if (stale) return;
          art = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
          session.metadata = new MediaMetadata({ ...meta, artwork: [{ src: art, type: mime }] });
        },
        () => undefined,
      );
    }
    const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
      ['play', () => void audio.current?.play()],
      ['pause', () => audio.current?.pause()],
      ['nexttrack', () => actRef.current({ type: 'next' })],
      ['previoustrack', () => actRef.current({ type: 'previous' })],
      ['seekforward', (d) => actRef.current({ type: 'seek', bySeconds: d.seekOffset ?? 10 })],
      ['seekbackward', (d) => actRef.current({ type: 'seek', bySeconds: -(d.seekOffset ?? 10) })],
      ['seekto', (d) => d.seekTime !== undefined && actRef.current({ type: 'seek', bySeconds: d.seekTime - positionNow() / 1000 })],
    ];
    for (const [action, handler] of handlers) {
      try {
        session.setActionHandler(action, handler);
      } catch {
        // An action this browser does not know.
      }
    }
    return () => {
      stale = true;
      if (art) URL.revokeObjectURL(art);
    };
    // Once per track.
  }, [playingId, link]);

  const onTime = () => {
    const ms = positionNow();
    setPositionMs(ms);
    if ('mediaSession' in navigator && durationMs > 0) {
      try {
        navigator.mediaSession.setPositionState({ duration: durationMs / 1000, position: Math.min(ms, durationMs) / 1000, playbackRate: 1 });
      } catch {
        // Position past the duration while metadata catches up.
      }
    }
  };

  return (
    <div className="library-player" aria-label="Player">
      <div className="controls">
        <button type="button" className="button button-small" aria-label="Previous track" onClick={() => act({ type: 'previous' })} disabled={!queue}>
          ⏮
        </button>
        <audio ref={audio} controls preload="auto" data-testid="library-audio" onEnded={onEnded} onTimeUpdate={onTime} />
        <button type="button" className="button button-small" aria-label="Next track" onClick={() => act({ type: 'next' })} disabled={!hasNext(queue)}>
          ⏭
        </button>
        <button type="button" className="button button-small" aria-label="Shuffle" aria-pressed={queue?.shuffle ?? false} onClick={() => act({ type: 'shuffle' })} disabled={!queue}>
          🔀
        </button>
        <button type="button" className="button button-small" aria-label={`Repeat: ${queue?.repeat ?? 'off'}`} data-testid="library-repeat" data-repeat={queue?.repeat ?? 'off'} onClick={() => act({ type: 'repeat' })} disabled={!queue}>
          {queue?.repeat === 'one' ? '🔂' : '🔁'}
        </button>
        <label className="small">
          Quality{' '}
          <select
            data-testid="library-quality"
            value={kbps}
            onChange={(e) => {
              const n = Number(e.target.value);
              localStorage.setItem(QUALITY_KEY, String(n));
              setKbps(n);
            }}
          >
            {QUALITIES.map((q) => (
              <option key={q} value={q}>
                {q ? `Data saver ${q} kbit/s` : 'Original'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {playing && (
        <div className="controls">
          <span className="small" data-testid="library-position" data-ms={Math.round(positionMs)}>
            {clock(positionMs)}
          </span>
          <input
            type="range"
            aria-label="Seek"
            min={0}
            max={Math.max(1, durationMs)}
            step={1000}
            value={Math.min(positionMs, durationMs)}
            onChange={(e) => seekTo(Number(e.target.value))}
          />
          <span className="small">{clock(durationMs)}</span>
        </div>
      )}
      {playing && (
        <p data-testid="now-playing">
          Now playing: {playing.title} — {playing.artist}
          {kbps ? <span className="muted small"> · data saver {kbps} kbit/s</span> : null}
        </p>
      )}
      <button type="button" className="button button-small button-quiet" aria-expanded={showKeys} onClick={() => setShowKeys((v) => !v)}>
        Keyboard shortcuts
      </button>
      {showKeys && (
        <dl className="small" data-testid="library-shortcuts">
          {SHORTCUTS.map(([k, what]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
