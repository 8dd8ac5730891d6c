import { useState } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useSession } from '../stores/session';
import { RoleBadge } from './RoleBadge';

export function Header() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const signOut = useSession((s) => s.signOut);
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);

  async function onSignOut() {
    setBusy(true);
    try {
      await signOut();
    } catch {
      // Forgotten locally either way; the next request will tell if the cookie survived.
    } finally {
      setBusy(false);
      navigate('/');
    }
  }

  return (
    <header className="app-header">
      <Link to="/" className="brand" aria-label="Roomcast home">
        <span className="brand-mark" aria-hidden="true" />
        Roomcast
      </Link>
      <nav aria-label="Main" className="main-nav">
        {user && <NavLink to="/rooms">Rooms</NavLink>}
        {user?.role === 'admin' && <NavLink to="/admin" end>Admin</NavLink>}
        {user && <NavLink to="/videos">My videos</NavLink>}
        <NavLink to="/connectivity">Connectivity</NavLink>
      </nav>
      <div className="header-user">
        {user ? (
          <>
            <Link to="/account" className="user-name" data-testid="header-user" title="Your account">
              {user.displayName}
            </Link>
            <RoleBadge role={user.role} isGuest={user.isGuest} testId="header-role" />
            <button type="button" className="button button-quiet" onClick={onSignOut} disabled={busy} data-testid="signout">
              Sign out
            </button>
          </>
        ) : status === 'ready' ? (
          <>
            <Link to="/signin" className="button button-quiet">
              Sign in
            </Link>
            <Link to="/signup" className="button">
              Sign up
            </Link>
          </>
        ) : null}
      </div>
    </header>
  );
}
