import { Link } from 'react-router';
import { VoiceRooms } from '../components/VoiceRooms';
import { signInLink } from '../lib/next-path';
import { useSession } from '../stores/session';

export function RoomsPage() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  return (
    <>
      <h1>Voice rooms</h1>
      {user && <VoiceRooms />}
      {/* Not even asked for when signed out: the list is for people with an account (or a guest name). */}
      {status === 'ready' && !user && (
        <p className="muted" data-testid="rooms-signin">
          <Link to={signInLink('/rooms')}>Sign in</Link> to see the open rooms — or open a room’s link to join it as a guest.
        </p>
      )}
    </>
  );
}
