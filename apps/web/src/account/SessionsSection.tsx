import type { SessionView } from '@roomcast/shared';
import { useNavigate } from 'react-router';
import { accountApi } from '../api/http';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { useLoaded } from '../hooks/useLoaded';
import { useSession } from '../stores/session';
import { deviceName } from './device-name';

const fetchSessions = async (signal?: AbortSignal): Promise<SessionView[]> => (await accountApi.sessions(signal)).sessions;

/** Where this account is signed in; end any one of them, or all. */
export function SessionsSection() {
  const ended = useSession((s) => s.ended);
  const navigate = useNavigate();
  const { value: sessions, error, setError, change } = useLoaded(fetchSessions);

  const end = (id: string) => change(() => accountApi.endSession(id));

  async function everywhere() {
    try {
      await accountApi.signOutEverywhere();
      ended('You signed out everywhere.');
      navigate('/signin');
    } catch (raw) {
      setError(toApiError(raw).message);
    }
  }

  return (
    <section aria-label="Sessions">
      <h2>Where you are signed in</h2>
      {error && <Alert>{error}</Alert>}
      <ul className="session-list" data-testid="account-sessions">
        {sessions?.map((s) => (
          <li key={s.id} className="session-item" data-testid="account-session">
            <span>
              <strong>{deviceName(s.device)}</strong>
              {s.current && <span className="badge"> this device</span>}
              <br />
              <span className="muted">
                signed in {new Date(s.createdAt).toLocaleString()} · last seen {new Date(s.lastSeenAt).toLocaleString()}
              </span>
            </span>
            {!s.current && (
              <button type="button" className="button button-quiet" onClick={() => void end(s.id)} data-testid="account-session-end">
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={() => void everywhere()} data-testid="account-signout-everywhere">
        Sign out everywhere
      </button>
    </section>
  );
}
