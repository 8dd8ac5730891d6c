import { Link } from 'react-router';
import type { ClientErrorCode } from '../api/errors';
import { signInLink } from '../lib/next-path';
import type { RoomStatus } from '../room/room-state';
import { Alert } from './Alert';

/** Why the page is out of the room, and what a person can do about it. */
export function RoomError({ error, status, onRetry }: { error: { code: ClientErrorCode; message: string }; status: RoomStatus; onRetry(): void }) {
  // A closed room (or a ban) is not fixed by trying again.
  const final = status === 'closed' || error.code === 'not_found' || error.code === 'banned';
  return (
    <Alert testId="room-error">
      <p>{error.message}</p>
      <div className="actions">
        {error.code === 'unauthenticated' && <Link to={signInLink(window.location.pathname)}>Sign in</Link>}
        {error.code === 'protocol_mismatch' && (
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload page
          </button>
        )}
        {final ? (
          <Link to="/rooms">See open rooms</Link>
        ) : (
          <button type="button" className="button" onClick={onRetry} data-testid="retry">
            Try again
          </button>
        )}
      </div>
    </Alert>
  );
}
