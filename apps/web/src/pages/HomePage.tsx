import { useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../components/Alert';
import { FeatureCards } from '../components/FeatureCards';
import { GuestForm } from '../components/GuestForm';
import { VoiceRooms } from '../components/VoiceRooms';
import { useSession } from '../stores/session';

export function HomePage() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const loadError = useSession((s) => s.loadError);
  const [asGuest, setAsGuest] = useState(false);

  return (
    <>
      <section className="hero">
        <h1>{user ? `Hi, ${user.displayName}` : 'Roomcast'}</h1>
        <p className="lead">Voice rooms, watch parties and live DJ sets — on your own server.</p>
        {loadError && <Alert testId="session-error">Could not check your session: {loadError}</Alert>}
        {status === 'ready' && !user && (
          <div className="hero-actions">
            <Link to="/signin" className="button button-primary" data-testid="home-signin">
              Sign in
            </Link>
            <Link to="/signup" className="button" data-testid="home-signup">
              Sign up
            </Link>
            <button type="button" className="button button-quiet" onClick={() => setAsGuest((v) => !v)} aria-expanded={asGuest}
              data-testid="home-guest">
              Continue as guest
            </button>
          </div>
        )}
        {!user && asGuest && <GuestForm />}
      </section>
      <FeatureCards />
      {/* The rooms list is for people who are signed in (guests included). */}
      {user && <VoiceRooms />}
    </>
  );
}
