import type { RoomView } from '@roomcast/shared';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, toApiError } from '../api/errors';
import { roomsApi } from '../api/http';
import { signInLink } from '../lib/next-path';
import { useSession } from '../stores/session';
import { Alert } from './Alert';
import { CreateRoomForm } from './CreateRoomForm';

/** Open voice rooms with join links, and (for members) a form to open a new one. */
export function VoiceRooms() {
  const user = useSession((s) => s.user);
  const [rooms, setRooms] = useState<RoomView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async (signal?: AbortSignal) => {
    setLoading(true);
    try {
      const { rooms } = await roomsApi.list('voice', signal);
      setRooms(rooms);
      setError(null);
    } catch (raw) {
      if (signal?.aborted) return;
      setError(toApiError(raw));
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  }, []);

  // Reload when the user changes: what a listing shows may depend on who asks.
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load, user?.id]);

  return (
    <section className="panel" aria-labelledby="voice-rooms-title">
      <div className="panel-head">
        <h2 id="voice-rooms-title">Open voice rooms</h2>
        <button type="button" className="button button-quiet" onClick={() => void load()} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>

      {user && !user.isGuest && <CreateRoomForm />}
      {user?.isGuest && <p className="muted">Guests can join rooms; sign up to open your own.</p>}

      {error &&
        (error.code === 'unauthenticated' ? (
          <p className="muted">
            <Link to={signInLink('/rooms')}>Sign in</Link> to see the open rooms.
          </p>
        ) : (
          <Alert testId="rooms-error">Could not load rooms: {error.message}</Alert>
        ))}

      {rooms && rooms.length === 0 && <p className="muted">No open rooms yet{user && !user.isGuest ? ' — create one above.' : '.'}</p>}
      {rooms && rooms.length > 0 && (
        <ul className="room-list">
          {rooms.map((room) => (
            <li key={room.id} data-testid="room-item" data-room-id={room.id}>
              <Link to={`/r/${encodeURIComponent(room.id)}`} className="room-link">
                <span className="room-link-name">{room.name}</span>
                <span className="room-link-meta">
                  {room.participants} {room.participants === 1 ? 'person' : 'people'}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
