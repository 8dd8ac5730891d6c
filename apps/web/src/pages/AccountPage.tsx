import { Link } from 'react-router';
import { DeleteSection } from '../account/DeleteSection';
import { EmailSection, PasswordSection, ProfileSection } from '../account/ProfileSection';
import { SessionsSection } from '../account/SessionsSection';
import { useSession } from '../stores/session';

/** The person's own account: name, email, password, where they are signed in, their data. */
export function AccountPage() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  if (status !== 'ready') return <p className="muted">Loading…</p>;
  if (!user) {
    return (
      <section className="panel narrow">
        <h1>Your account</h1>
        <p>
          <Link to="/signin?next=/account">Sign in</Link> to see your account.
        </p>
      </section>
    );
  }
  return (
    <section className="panel narrow account" data-testid="account-page">
      <h1>Your account</h1>
      <ProfileSection />
      {!user.isGuest && <EmailSection />}
      {!user.isGuest && <PasswordSection />}
      <SessionsSection />
      <DeleteSection />
    </section>
  );
}
