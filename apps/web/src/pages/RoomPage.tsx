import { Id, type RoomView } from '@roomcast/shared';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { toApiError } from '../api/errors';
import { roomsApi } from '../api/http';
import { Alert } from '../components/Alert';
import { CloseRoom } from '../components/CloseRoom';
import { GuestForm } from '../components/GuestForm';
import { LiveNowNotice } from '../components/dj/LiveNowNotice';
import { ParticipantList } from '../components/ParticipantList';
import { LinkRungs } from '../components/LinkRungs';
import { RemoteAudio } from '../components/RemoteAudio';
import { RoomError } from '../components/RoomError';
import { VoiceControls } from '../components/VoiceControls';
import type { TransportState } from '../room/types';
import type { VoiceRoomSnapshot } from '../room/voice-room';
import { participants } from '../room/room-state';
import { signInLink } from '../lib/next-path';
import { DEFAULT_PLAYBACK, useRoom } from '../stores/room';
import { useSession } from '../stores/session';

export function RoomPage() {
  const { roomId = '' } = useParams();
  const user = useSession((s) => s.user);
  const sessionStatus = useSession((s) => s.status);

  // An id the server could never have issued is "not found" without asking it.
  if (!Id.safeParse(roomId).success) return <RoomNotFound />;
  if (sessionStatus === 'unknown') return <p className="muted">Loading…</p>;
  if (!user) return <RoomLobby roomId={roomId} />;
  return <RoomSession key={`${roomId}:${user.id}`} roomId={roomId} userId={user.id} />;
}

function RoomNotFound() {
  return (
    <section className="panel">
      <h1>Room not found</h1>
      <Alert testId="room-error">This room does not exist (or was closed).</Alert>
      <Link to="/rooms">See open rooms</Link>
    </section>
  );
}

/** Signed out: say which room this is, and offer the quickest way in. */
function RoomLobby({ roomId }: { roomId: string }) {
  const [room, setRoom] = useState<RoomView | null>(null);
  const [missing, setMissing] = useState(false);
  const endedReason = useSession((s) => s.endedReason);
  const leave = useRoom((s) => s.leave);

  // A join preloaded while the session was unknown was refused: drop it.
  useEffect(() => leave(), [leave]);

  useEffect(() => {
    const controller = new AbortController();
    // Best effort: the preview may need a session; only a definite 404 is worth showing.
    roomsApi.get(roomId, controller.signal).then(
      ({ room }) => setRoom(room),
      (error: unknown) => {
        if (!controller.signal.aborted && toApiError(error).code === 'not_found') setMissing(true);
      },
    );
    return () => controller.abort();
  }, [roomId]);

  if (missing) return <RoomNotFound />;
  const here = `/r/${encodeURIComponent(roomId)}`;
  return (
    <section className="panel narrow">
      <h1>{room ? `Join “${room.name}”` : 'Join this room'}</h1>
      {endedReason && <Alert tone="warning" testId="session-ended">You were signed out ({endedReason}).</Alert>}
      <p className="muted">Pick a name to join as a guest, or sign in to use your account.</p>
      <GuestForm submitLabel="Join as guest" />
      <p className="or">
        <Link to={signInLink(here)} data-testid="room-signin">
          Sign in
        </Link>{' '}
        or <Link to={`/signup?next=${encodeURIComponent(here)}`}>create an account</Link>
      </p>
    </section>
  );
}

/** The transport's own connectionState word, or a dash before it exists. */
const transportWord = (state: TransportState) => (state === 'none' ? '—' : state);

/** Signed in: the room itself, joined for as long as this component is mounted. */
function RoomSession({ roomId, userId }: { roomId: string; userId: string }) {
  const join = useRoom((s) => s.join);
  const leave = useRoom((s) => s.leave);
  const snapshot = useRoom((s) => (s.roomId === roomId ? s.snapshot : null));

  useEffect(() => {
    join(roomId, userId);
    return () => leave();
  }, [roomId, userId, join, leave]);

  if (!snapshot) return <p className="muted">Joining…</p>;
  return <RoomScreen snapshot={snapshot} />;
}

function RoomScreen({ snapshot }: { snapshot: VoiceRoomSnapshot }) {
  const navigate = useNavigate();
  const retry = useRoom((s) => s.retry);
  const setModerated = useRoom((s) => s.setModerated);
  const playback = useRoom((s) => s.playback);
  const setPlayback = useRoom((s) => s.setPlayback);
  const leave = useRoom((s) => s.leave);
  const audioBlocked = useRoom((s) => s.audioBlocked);
  const setAudioBlocked = useRoom((s) => s.setAudioBlocked);
  const audioRef = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const { status, message, error, room, self, peers, remoteAudio, activeSpeakerId, levels, transports, rungs, mic, micMessage } = snapshot;
  const everyone = useMemo(() => participants(self, peers), [self, peers]);
  const userOf = useMemo(() => new Map(everyone.map((p) => [p.peerId, p.userId])), [everyone]);
  const moderator = Boolean(self && room && (room.ownerId === self.userId || self.role === 'admin'));
  const { moderated, notice } = snapshot;
  const audible = useMemo(() => new Set(remoteAudio.map((a) => a.peerId)), [remoteAudio]);
  const onBlocked = useCallback(() => setAudioBlocked(true), [setAudioBlocked]);

  function onLeave() {
    leave();
    navigate('/rooms');
  }

  async function onCopy() {
    const url = window.location.href;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied.');
    } catch {
      // Clipboard needs a secure context and permission; show the link so it can be copied by hand.
      setCopied(`Copy this link: ${url}`);
    }
  }

  function onEnableAudio() {
    setAudioBlocked(false);
    for (const el of audioRef.current?.querySelectorAll('audio') ?? []) void el.play().catch(() => setAudioBlocked(true));
  }

  return (
    <section className="room" aria-labelledby="room-title">
      <div className="room-head">
        <h1 id="room-title">{room?.name ?? 'Voice room'}</h1>
        <div className="room-state" aria-live="polite">
          <span className={`status status-${status}`} data-testid="room-status">
            {status}
          </span>
          <span className="status-message" data-testid="room-status-message">
            {message}
          </span>
        </div>
      </div>

      {error && <RoomError error={error} status={status} onRetry={retry} />}

      {audioBlocked && (
        <Alert tone="warning" testId="audio-blocked">
          <p>Your browser paused the room audio until you interact with the page.</p>
          <button type="button" className="button button-primary" onClick={onEnableAudio}>
            Play audio
          </button>
        </Alert>
      )}

      {status !== 'closed' && <VoiceControls snapshot={snapshot} />}

      <div className="controls" role="group" aria-label="Room controls">
        <button type="button" className="button" onClick={onCopy} data-testid="copy-link">
          Copy link
        </button>
        <button type="button" className="button button-danger" onClick={onLeave} data-testid="leave">
          Leave
        </button>
      </div>
      <p className="small muted" aria-live="polite">
        {copied}
      </p>

      {micMessage && (
        <p className={mic === 'unavailable' || self?.moderatorMuted ? 'notice notice-warning' : 'notice'} data-testid="mic-message">
          {micMessage}
        </p>
      )}
      <LiveNowNotice liveNow={snapshot.liveNow} />
      {notice && (
        <p className="notice notice-warning" data-testid="room-notice" role="alert">
          {notice}
        </p>
      )}

      {moderator && room && status !== 'closed' && <CloseRoom roomId={room.id} />}
      {moderator && (
        <label className="check">
          <input type="checkbox" checked={moderated} onChange={(e) => setModerated(e.target.checked)} data-testid="moderated-toggle" />
          Moderated room — people you mute stay muted until you allow them
        </label>
      )}
      {!moderator && moderated && (
        <p className="small muted" data-testid="moderated-note">
          This room is moderated.
        </p>
      )}

      {self && (
        <>
          <h2 className="section-title">
            In the room <span className="muted">({everyone.length})</span>
          </h2>
          <ParticipantList
            participants={everyone}
            selfId={self.peerId}
            activeSpeakerId={activeSpeakerId}
            levels={levels}
            audible={audible}
            moderator={moderator}
            playback={playback}
            onPlayback={setPlayback}
          />

          <dl className="media-state small muted">
            <div>
              <dt>Sending</dt>
              <dd data-testid="send-transport-state" data-state={transports.send}>
                {transportWord(transports.send)}
              </dd>
            </div>
            <div>
              <dt>Receiving</dt>
              <dd data-testid="recv-transport-state" data-state={transports.recv}>
                {transportWord(transports.recv)}
              </dd>
            </div>
            <LinkRungs rungs={rungs} />
            <div>
              <dt>Your peer id</dt>
              <dd>
                <code data-testid="self-peer-id">{self.peerId}</code>
              </dd>
            </div>
          </dl>
        </>
      )}

      <div ref={audioRef} className="remote-audio">
        {remoteAudio.map((audio) => (
          <RemoteAudio
            key={audio.consumerId}
            peerId={audio.peerId}
            track={audio.track}
            playback={playback[userOf.get(audio.peerId) ?? ''] ?? DEFAULT_PLAYBACK}
            onBlocked={onBlocked}
          />
        ))}
      </div>
    </section>
  );
}
