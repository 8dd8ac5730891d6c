import { PARTY, positionAt } from '@roomcast/shared';
import { LiveNowNotice } from './dj/LiveNowNotice';
import { useCallback, useEffect, useRef, useState } from 'react';
import { usePartyShortcuts } from '../hooks/usePartyShortcuts';
import { useViewerPlayback } from '../hooks/useViewerPlayback';
import type { PartyRoom, PartySnapshot } from '../party/party-room';
import { chooseRendition, showSubtitle } from '../party/player-media';
import { PartyChat } from './PartyChat';
import { PartyMembers } from './PartyMembers';
import { PartyQueue } from './PartyQueue';
import { PartyViewerOptions } from './PartyViewerOptions';
import { PartyVoice } from './PartyVoice';
import { SeekPreview } from './SeekPreview';
import { RoomError } from './RoomError';

const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;

const clockText = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** The party: the player on the shared clock, controls for whoever may use them, members, chat. */
export function PartyScreen({ room, snapshot }: { room: PartyRoom; snapshot: PartySnapshot }) {
  const { status, message, error, party, self, notice } = snapshot;
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const attach = useCallback(
    (el: HTMLVideoElement | null) => {
      videoRef.current = el;
      room.attachVideo(el);
    },
    [room],
  );
  // This viewer's own quality and subtitles.
  const [renditionUrl, setRenditionUrl] = useState<string | null>(null);
  const [subtitleId, setSubtitleId] = useState<string | null>(null);
  useEffect(() => {
    if (videoRef.current) showSubtitle(videoRef.current.textTracks, subtitleId);
  }, [subtitleId]);
  const [position, setPosition] = useState(0);
  const canControl = room.mayControl();
  const isHost = !!party && !!self && party.presence.hostPeerId === self.peerId;
  const stageRef = useRef<HTMLDivElement | null>(null);
  const durationS = party ? party.video.durationMs / 1000 : 0;
  const source = party ? chooseRendition(party.video.renditions, renditionUrl) : undefined;
  const viewer = useViewerPlayback(videoRef, stageRef, source?.url);
  usePartyShortcuts(room, canControl, viewer.apply);

  // The position the seek bar shows follows the party clock, not the element's own jitter.
  useEffect(() => {
    const timer = setInterval(() => party && setPosition(positionAt(party.state, room.clock.serverNow())), 250);
    return () => clearInterval(timer);
  }, [party, room]);

  return (
    <section className="room party" aria-labelledby="party-title">
      <div className="room-head">
        <h1 id="party-title">{party?.video.title ?? 'Watch party'}</h1>
        <div className="room-state" aria-live="polite">
          <span className={`status status-${status}`} data-testid="room-status">
            {status}
          </span>
          <span className="status-message">{message}</span>
        </div>
      </div>
      {error && <RoomError error={error} status={status} onRetry={() => room.retry()} />}
      <LiveNowNotice liveNow={snapshot.liveNow} />
      {notice && (
        <p className="notice notice-warning" role="alert" data-testid="room-notice">
          {notice}
        </p>
      )}

      <div className="party-stage" ref={stageRef}>
      {party && source && (
        <video
          ref={attach}
          className="party-video"
          src={source.url}
          poster={party.video.posterUrl ?? undefined}
          playsInline
          preload="auto"
          data-testid="party-video"
          aria-label={party.video.title}
          // A new source (another quality) loads at 0: back to the party's position, subtitles kept.
          onLoadedMetadata={(e) => {
            room.resyncPlayer();
            showSubtitle(e.currentTarget.textTracks, subtitleId);
          }}
        >
          {party.video.subtitles.map((sub) => (
            <track key={sub.id} id={sub.id} kind="subtitles" src={sub.url} srcLang={sub.lang} label={sub.label} />
          ))}
        </video>
      )}

      {party?.state.waitingFor?.length ? (
        <p className="notice" role="status" data-testid="party-waiting">
          Waiting for{' '}
          {party.state.waitingFor.map((id) => party.presence.members.find((m) => m.peerId === id)?.displayName ?? 'someone').join(', ')} to
          catch up…
        </p>
      ) : null}

      {party && (
        <div className="controls party-controls" role="group" aria-label="Playback">
          {party.state.paused ? (
            <button type="button" className="button button-primary" disabled={!canControl} onClick={() => void room.command({ action: 'play' })} data-testid="party-play">
              Play
            </button>
          ) : (
            <button type="button" className="button" disabled={!canControl} onClick={() => void room.command({ action: 'pause' })} data-testid="party-pause">
              Pause
            </button>
          )}
          <SeekPreview thumbnailsUrl={party.video.thumbnailsUrl} durationS={durationS}>
            <input
              type="range"
              min={0}
              max={durationS}
              step={0.1}
              value={Math.min(position, durationS)}
              disabled={!canControl}
              aria-label="Seek"
              onChange={(e) => void room.command({ action: 'seek', position: Number(e.target.value) })}
              data-testid="party-seek"
            />
          </SeekPreview>
          <span className="small muted" data-testid="party-position">
            {clockText(position)} / {clockText(durationS)}
          </span>
          <label className="small">
            Speed{' '}
            <select value={party.state.rate} disabled={!canControl} onChange={(e) => void room.command({ action: 'rate', rate: Number(e.target.value) })} data-testid="party-rate">
              {RATES.map((r) => (
                <option key={r} value={r}>
                  {r}×
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button button-small" onClick={viewer.toggleMute} aria-pressed={viewer.muted} data-testid="party-sound">
            {viewer.muted ? 'Unmute' : 'Mute'}
          </button>
          <input
            type="range"
            className="party-volume"
            min={0}
            max={1}
            step={0.05}
            value={viewer.muted ? 0 : viewer.volume}
            aria-label="Volume"
            onChange={(e) => viewer.setVolume(Number(e.target.value))}
            data-testid="party-volume"
          />
          <button type="button" className="button button-small" onClick={viewer.toggleFullscreen} aria-pressed={viewer.fullscreen} data-testid="party-fullscreen">
            {viewer.fullscreen ? 'Exit full screen' : 'Full screen'}
          </button>
          {canControl ? (
            <span className="small muted">Keys: Space play/pause · ← → 5 s · ↑ ↓ volume · M mute · F full screen</span>
          ) : (
            <span className="small muted">The host has the controls. Keys: ↑ ↓ volume · M mute · F full screen</span>
          )}
        </div>
      )}
      </div>

      {party && (
        <PartyViewerOptions video={party.video} renditionUrl={source?.url} onRendition={setRenditionUrl} subtitleId={subtitleId} onSubtitle={setSubtitleId} />
      )}

      {party && isHost && (
        <label className="check">
          <input
            type="checkbox"
            checked={party.presence.controls === 'everyone'}
            onChange={(e) => void room.setControls(e.target.checked ? 'everyone' : 'host')}
            data-testid="party-controls-open"
          />
          Let everyone play, pause and seek
        </label>
      )}

      {party && <PartyVoice room={room} snapshot={snapshot} />}
      {party && <PartyQueue room={room} queue={party.queue} canControl={canControl} playingId={party.video.id} />}
      {party && self && <PartyMembers room={room} snapshot={snapshot} isHost={isHost} />}
      {party && (
        <PartyChat chat={party.chat} selfUserId={self?.userId} onSend={(text) => void room.chat(text)} onReact={(id, emoji) => void room.react(id, emoji)}
          onDelete={isHost ? (id) => void room.deleteChat(id) : undefined} maxLength={PARTY.chatText.max} />
      )}
    </section>
  );
}
