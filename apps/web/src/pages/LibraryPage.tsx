import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { Link } from 'react-router';
import type { AgentView, AlbumView, ArtistView, LibraryRung, TrackView } from '@roomcast/shared';
import { Alert } from '../components/Alert';
import { AgentAccess } from '../library/AgentAccess';
import { AgentLink } from '../library/agent-link';
import { listAgents, newPairingCode } from '../library/library-api';
import { LibraryPlayer } from '../library/LibraryPlayer';
import { startQueue, type Queue } from '../library/player-queue';
import { startStreamBridge } from '../library/stream-bridge';
import { signInLink } from '../lib/next-path';
import { useSession } from '../stores/session';

const RUNG_TEXT: Record<LibraryRung, string> = {
  direct: 'Direct (peer-to-peer)',
  'relay-udp': 'TURN relay (UDP)',
  'relay-tcp': 'TURN relay (TCP)',
  'relay-tls': 'TURN relay (TLS)',
  server: 'Server relay',
};

type View = { kind: 'artists' } | { kind: 'albums'; artist: string } | { kind: 'tracks'; album: AlbumView } | { kind: 'search'; q: string };

/** The page's one link at a time (the Service Worker bridge asks it for bytes). */
let currentLink: AgentLink | null = null;

function useLinkView(link: AgentLink | null) {
  const subscribe = useCallback((cb: () => void) => (link ? link.subscribe(cb) : () => {}), [link]);
  return useSyncExternalStore(subscribe, () => link?.view ?? null);
}

export function LibraryPage() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  if (status === 'ready' && (!user || user.isGuest)) {
    return (
      <section className="panel narrow">
        <h1>My library</h1>
        <p className="muted" data-testid="library-signin">
          <Link to={signInLink('/library')}>Sign in with an account</Link> to play music from your computers.
        </p>
      </section>
    );
  }
  return user ? <Library /> : <p className="muted">Loading…</p>;
}

function Library() {
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  const [error, setError] = useState('');
  const [code, setCode] = useState<{ code: string; expiresAt: string } | null>(null);
  const [link, setLink] = useState<AgentLink | null>(null);
  const [managing, setManaging] = useState<string | null>(null);
  const [forceRelay, setForceRelay] = useState(() => new URLSearchParams(location.search).has('relay'));

  const refresh = useCallback(() => {
    listAgents().then(setAgents, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => () => link?.close(), [link]);

  const open = async (agent: AgentView) => {
    setError('');
    link?.close();
    try {
      await startStreamBridge(() => currentLink);
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e));
    }
    // ?turn: TURN only (iceTransportPolicy 'relay'), for measuring that rung where direct works (bench:library).
    currentLink = AgentLink.open(agent.id, { relay: forceRelay, turnOnly: new URLSearchParams(location.search).has('turn') });
    setLink(currentLink);
  };

  return (
    <>
      <h1>My library</h1>
      {error && <Alert>{error}</Alert>}
      <section className="panel" aria-labelledby="agents-title">
        <h2 id="agents-title" className="section-title">
          Your computers
        </h2>
        {agents === null ? (
          <p className="muted">Loading…</p>
        ) : agents.length === 0 ? (
          <p className="muted">No computer shares music with you yet.</p>
        ) : (
          <ul className="room-list" data-testid="library-agents">
            {agents.map((a) => (
              <li key={a.id} className="room-link" data-agent-id={a.id}>
                <span className="room-link-name">{a.name}</span>
                <span className="room-link-meta">
                  {a.mine ? 'yours' : `shared by ${a.ownerName}`} · <span data-testid="agent-online">{a.online ? 'online' : 'offline'}</span>
                </span>
                <button type="button" className="button button-small button-primary" disabled={!a.online} onClick={() => void open(a)}>
                  Open {a.name}
                </button>
                {a.mine && (
                  <button type="button" className="button button-small" aria-expanded={managing === a.id} onClick={() => setManaging((m) => (m === a.id ? null : a.id))}>
                    Who can listen
                  </button>
                )}
                {a.mine && managing === a.id && <AgentAccess agent={a} />}
              </li>
            ))}
          </ul>
        )}
        <div className="controls">
          <button type="button" className="button button-small" onClick={refresh}>
            Refresh
          </button>
          <button type="button" className="button button-small" onClick={() => newPairingCode().then(setCode, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))}>
            Pair a computer
          </button>
          <label className="check">
            <input type="checkbox" checked={forceRelay} onChange={(e) => setForceRelay(e.target.checked)} /> Always use the server relay
          </label>
        </div>
        {code && (
          <p data-testid="pairing-code">
            On the computer with your music, run <code>roomcast-agent pair {location.origin} --code {code.code}</code> (valid until{' '}
            {new Date(code.expiresAt).toLocaleTimeString()}).
          </p>
        )}
      </section>
      {link && <Browser link={link} />}
    </>
  );
}

function Browser({ link }: { link: AgentLink }) {
  const view = useLinkView(link);
  const [nav, setNav] = useState<View>({ kind: 'artists' });
  const [artists, setArtists] = useState<ArtistView[]>([]);
  const [albums, setAlbums] = useState<AlbumView[]>([]);
  const [tracks, setTracks] = useState<TrackView[]>([]);
  const [query, setQuery] = useState('');
  const [error, setError] = useState('');
  const [queue, setQueue] = useState<Queue<TrackView> | null>(null);

  useEffect(() => {
    if (view?.state !== 'open') return;
    const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
    setError('');
    const c = link.client;
    if (nav.kind === 'artists') c.request('artists', { limit: 500 }).then((r) => setArtists(r.artists), fail);
    if (nav.kind === 'albums') c.request('albums', { artist: nav.artist, limit: 500 }).then((r) => setAlbums(r.albums), fail);
    if (nav.kind === 'tracks') c.request('tracks', { albumId: nav.album.id, limit: 500 }).then((r) => setTracks(r.tracks), fail);
    if (nav.kind === 'search')
      c.request('search', { q: nav.q, limit: 100 }).then((r) => {
        setArtists(r.artists);
        setAlbums(r.albums);
        setTracks(r.tracks);
      }, fail);
  }, [link, nav, view?.state, view?.revision]);

  return (
    <section className="panel" aria-labelledby="browse-title">
      <div className="panel-head">
        <h2 id="browse-title" className="section-title">
          Browse
        </h2>
        <span className="badge" data-testid="library-rung" data-rung={view?.rung ?? ''}>
          {view?.rung ? RUNG_TEXT[view.rung] : view?.state === 'closed' ? 'not connected' : 'connecting…'}
        </span>
      </div>
      {view?.message && <p className="muted small" data-testid="library-link-message">{view.message}</p>}
      {error && <Alert>{error}</Alert>}
      <form
        className="form-inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (query.trim()) setNav({ kind: 'search', q: query.trim() });
        }}
      >
        <label className="visually-hidden" htmlFor="library-search">
          Search your library
        </label>
        <input id="library-search" type="search" placeholder="Search artists, albums, tracks" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" className="button button-small">
          Search
        </button>
        <button type="button" className="button button-small button-quiet" onClick={() => setNav({ kind: 'artists' })}>
          All artists
        </button>
      </form>
      {(nav.kind === 'artists' || nav.kind === 'search') && (
        <ul className="room-list" aria-label="Artists" data-testid="library-artists">
          {artists.map((a) => (
            <li key={a.name}>
              <button type="button" className="button button-quiet" onClick={() => setNav({ kind: 'albums', artist: a.name })}>
                {a.name}
              </button>{' '}
              <span className="muted small">
                {a.albums} albums · {a.tracks} tracks
              </span>
            </li>
          ))}
        </ul>
      )}
      {(nav.kind === 'albums' || nav.kind === 'search') && (
        <ul className="room-list" aria-label="Albums" data-testid="library-albums">
          {albums.map((a) => (
            <li key={a.id}>
              <button type="button" className="button button-quiet" onClick={() => setNav({ kind: 'tracks', album: a })}>
                {a.title}
              </button>{' '}
              <span className="muted small">
                {a.artist}
                {a.year ? ` · ${a.year}` : ''} · {a.tracks} tracks
              </span>
            </li>
          ))}
        </ul>
      )}
      {(nav.kind === 'tracks' || nav.kind === 'search') && (
        <ol className="room-list" aria-label="Tracks" data-testid="library-tracks">
          {tracks.map((t, i) => (
            <li key={t.id} data-track-id={t.id}>
              <button type="button" className="button button-small" aria-label={`Play ${t.title}`} onClick={() => setQueue((q) => startQueue(tracks, i, { shuffle: q?.shuffle ?? false, repeat: q?.repeat ?? 'off' }))}>
                ▶
              </button>{' '}
              {t.title} <span className="muted small">{t.artist}</span>
            </li>
          ))}
        </ol>
      )}
      <LibraryPlayer link={link} queue={queue} onQueue={setQueue} />
    </section>
  );
}
