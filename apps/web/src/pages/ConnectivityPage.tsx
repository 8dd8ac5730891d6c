import { useNavigate } from 'react-router';
import { GuestForm } from '../components/GuestForm';
import { PeerLinkTest } from '../components/PeerLinkTest';
import { RelaySelfTest } from '../components/RelaySelfTest';
import { useSession } from '../stores/session';

/**
 * Why a link works or not: the relay self-test (run on the server against every TURN URL) and
 * a peer-link test from this browser. Opening the page asks nothing of the server that needs an
 * account; running a test needs one (relay credentials are issued per account).
 */
export function ConnectivityPage() {
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const signedIn = user !== null;

  return (
    <section className="connectivity" aria-labelledby="connectivity-title">
      <button type="button" className="button button-quiet back" onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/'))} data-testid="back">
        ← Back
      </button>
      <h1 id="connectivity-title">Connectivity</h1>
      <p className="lead">Every link tries a direct path first, then a relay (TURN over UDP, then TCP, then TLS). These tests show which work from here, and why not.</p>

      {status === 'ready' && !signedIn && (
        <div className="panel narrow" data-testid="connectivity-signin">
          <p>The tests use relay credentials, which are issued to an account. Sign in, or run them as a guest:</p>
          <GuestForm submitLabel="Continue as guest" />
        </div>
      )}

      <RelaySelfTest enabled={signedIn} />
      <PeerLinkTest enabled={signedIn} />
    </section>
  );
}
