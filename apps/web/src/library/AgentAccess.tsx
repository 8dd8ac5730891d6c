import { useCallback, useEffect, useState } from 'react';
import type { AgentView, GrantView } from '@roomcast/shared';
import { Alert } from '../components/Alert';
import { addGrant, listGrants, revokeGrant } from './library-api';

/**
 * The owner's access list for one of their computers: who it is shared with (by account email),
 * sharing with one more, and revoking — which the server enforces at once: the person's open
 * sessions end, mid-track included.
 */
export function AgentAccess({ agent }: { agent: AgentView }) {
  const [grants, setGrants] = useState<GrantView[] | null>(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  const load = useCallback(() => {
    listGrants(agent.id).then(setGrants, fail);
  }, [agent.id]);
  useEffect(load, [load]);

  const share = async () => {
    setError('');
    setBusy(true);
    try {
      await addGrant(agent.id, email.trim());
      setEmail('');
      load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (g: GrantView) => {
    setError('');
    try {
      await revokeGrant(agent.id, g.userId);
      setGrants((list) => list?.filter((x) => x.userId !== g.userId) ?? null);
    } catch (e) {
      fail(e);
    }
  };

  return (
    <div className="library-access" data-testid="agent-access" aria-label={`Who can listen to ${agent.name}`}>
      {error && <Alert>{error}</Alert>}
      {grants === null ? (
        <p className="muted small">Loading…</p>
      ) : grants.length === 0 ? (
        <p className="muted small">Only you can listen to {agent.name}.</p>
      ) : (
        <ul className="room-list" data-testid="agent-grants">
          {grants.map((g) => (
            <li key={g.userId} data-user-id={g.userId}>
              {g.displayName} <span className="muted small">{g.email ?? ''} · since {new Date(g.createdAt).toLocaleDateString()}</span>{' '}
              <button type="button" className="button button-small" onClick={() => void revoke(g)} aria-label={`Revoke ${g.displayName}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="form-inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (email.trim()) void share();
        }}
      >
        <label className="visually-hidden" htmlFor={`share-${agent.id}`}>
          Share {agent.name} with (email of their Roomcast account)
        </label>
        <input id={`share-${agent.id}`} type="email" placeholder="Their account email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <button type="submit" className="button button-small" disabled={busy}>
          Share
        </button>
      </form>
    </div>
  );
}
