import { ChannelHandle, type BroadcastView, type ChannelView } from '@roomcast/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { toApiError } from '../api/errors';
import { channelsApi } from '../api/http';
import { Alert } from '../components/Alert';
import { Archives } from '../components/dj/Archives';
import { ChatPanel } from '../components/dj/ChatPanel';
import { Counts } from '../components/dj/Counts';
import { FollowButton } from '../components/dj/FollowButton';
import { LikeButton } from '../components/dj/LikeButton';
import { LiveNowNotice } from '../components/dj/LiveNowNotice';
import { OnAirStatus } from '../components/dj/OnAirStatus';
import { GuestForm } from '../components/GuestForm';
import { RemoteAudio } from '../components/RemoteAudio';
import { useRoomUse } from '../hooks/useRoomUse';
import { DjListener } from '../room/dj-rooms';
import { useSession } from '../stores/session';

/** `/c/<handle>`: a channel as its listeners see it. Anyone may open it; listening needs a name. */
export function ChannelPage() {
  const { handle = '' } = useParams();
  const user = useSession((s) => s.user);
  const sessionStatus = useSession((s) => s.status);
  const [channel, setChannel] = useState<ChannelView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!ChannelHandle.safeParse(handle).success) return setError('There is no channel at this address.');
    const controller = new AbortController();
    channelsApi.get(handle, controller.signal).then(
      ({ channel }) => setChannel(channel),
      (e: unknown) => {
        if (!controller.signal.aborted) setError(toApiError(e).code === 'not_found' ? 'There is no channel at this address.' : toApiError(e).message);
      },
    );
    return () => controller.abort();
  }, [handle]);

  if (error) {
    return (
      <section className="panel narrow">
        <h1>Channel not found</h1>
        <Alert testId="channel-error">{error}</Alert>
        <Link to="/dj">DJ channels</Link>
      </section>
    );
  }
  if (!channel || sessionStatus === 'unknown') return <p className="muted">Loading…</p>;
  return (
    <section className="dj" aria-labelledby="channel-title">
      <ChannelHeader channel={channel} />
      {user && !user.isGuest && <FollowButton handle={channel.handle} />}
      {user ? (
        <Listening key={`${channel.roomId}:${user.id}`} channel={channel} />
      ) : (
        <div className="panel narrow">
          <p className="muted">Pick a name to listen, chat and like — no account needed.</p>
          <GuestForm submitLabel="Listen" />
        </div>
      )}
      <Upcoming handle={channel.handle} />
      <Archives handle={channel.handle} />
    </section>
  );
}

function ChannelHeader({ channel }: { channel: ChannelView }) {
  return (
    <header className="dj-head">
      {channel.artworkUrl && <img className="dj-artwork" src={channel.artworkUrl} alt="" width={96} height={96} referrerPolicy="no-referrer" />}
      <div>
        <h1 id="channel-title">{channel.title}</h1>
        <p className="muted">by {channel.ownerName}</p>
        {channel.description && <p className="dj-description">{channel.description}</p>}
        {channel.links.length > 0 && (
          <ul className="dj-links">
            {channel.links.map((l) => (
              <li key={l.url}>
                <a href={l.url} rel="noopener noreferrer nofollow" target="_blank">
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </header>
  );
}

/** Joined to the channel's room: LIVE by push, the program's audio, counts, likes, chat. */
function Listening({ channel }: { channel: ChannelView }) {
  const { use, snapshot } = useRoomUse(() => new DjListener(channel.roomId), channel.roomId);
  const { status, error, live, counts, chat, remoteAudio, known } = snapshot;
  const [volume, setVolume] = useState(1);
  const [lowest, setLowest] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const audioRef = useRef<HTMLDivElement>(null);
  const onBlocked = useCallback(() => setBlocked(true), []);
  const program = remoteAudio;

  useMediaSession(live, channel);

  function play() {
    setBlocked(false);
    for (const el of audioRef.current?.querySelectorAll('audio') ?? []) void el.play().catch(() => setBlocked(true));
  }

  return (
    <div className="dj-live">
      <OnAirStatus live={live} offLabel={known ? 'Offline' : 'Connecting…'} status={status} error={error} onRetry={() => use.retry()} />
      {snapshot.liveNow?.channel.handle !== channel.handle && <LiveNowNotice liveNow={snapshot.liveNow} />}
      {!live && known && <p className="muted">Not on air right now. This page switches to LIVE by itself when the broadcast starts.</p>}
      {blocked && (
        <Alert tone="warning" testId="audio-blocked">
          <button type="button" className="button button-primary" onClick={play} data-testid="dj-play">
            ▶ Play
          </button>
        </Alert>
      )}
      <Counts counts={counts} />
      <div className="controls">
        <label className="dj-volume">
          Volume
          <input type="range" min={0} max={1} step={0.05} value={volume} onChange={(e) => setVolume(Number(e.target.value))} data-testid="dj-volume" />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={lowest}
            onChange={(e) => {
              setLowest(e.target.checked);
              use.setLowestLatency(e.target.checked);
            }}
            data-testid="dj-lowest-latency"
          />
          Lowest latency
        </label>
        {live && <LikeButton onLike={() => use.dj.like()} />}
      </div>
      <ChatPanel chat={chat} onSend={live ? (text) => use.dj.sendChat(text) : undefined} selfUserId={snapshot.self?.userId} />
      <div ref={audioRef} className="remote-audio">
        {program.map((audio) => (
          <RemoteAudio key={audio.consumerId} peerId={audio.peerId} track={audio.track} playback={{ volume, muted: false }} onBlocked={onBlocked} />
        ))}
      </div>
    </div>
  );
}

/** What the phone's lock screen and media keys show while a broadcast plays. */
function useMediaSession(live: BroadcastView | null, channel: ChannelView) {
  useEffect(() => {
    if (!live || !('mediaSession' in navigator) || typeof MediaMetadata === 'undefined') return;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: live.title,
      artist: channel.ownerName,
      album: channel.title,
      ...(channel.artworkUrl ? { artwork: [{ src: channel.artworkUrl }] } : {}),
    });
    return () => {
      navigator.mediaSession.metadata = null;
    };
  }, [live, channel]);
}

function Upcoming({ handle }: { handle: string }) {
  const [items, setItems] = useState<BroadcastView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const load = useCallback(
    (cursor?: string) =>
      channelsApi.upcoming(handle, cursor).then(
        (page) => {
          setItems((prev) => (cursor ? [...prev, ...page.broadcasts] : page.broadcasts));
          setNext(page.next);
        },
        () => undefined,
      ),
    [handle],
  );
  useEffect(() => void load(), [load]);
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="upcoming-title">
      <h2 id="upcoming-title" className="section-title">
        Upcoming
      </h2>
      <ul className="dj-upcoming" data-testid="dj-upcoming">
        {items.map((b) => (
          <li key={b.id} data-testid="dj-upcoming-item">
            <strong>{b.title}</strong> <time dateTime={b.scheduledStart ?? ''}>{b.scheduledStart ? new Date(b.scheduledStart).toLocaleString() : ''}</time>{' '}
            <a href={channelsApi.icsUrl(handle, b.id)} download data-testid="dj-ics">
              Add to calendar
            </a>
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" className="button" onClick={() => void load(next)}>
          More
        </button>
      )}
    </section>
  );
}
