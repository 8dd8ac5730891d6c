import type { FollowState } from '@roomcast/shared';
import { useEffect, useState } from 'react';
import { toApiError } from '../../api/errors';
import { channelsApi } from '../../api/http';

/** Follow a channel: told in the app when it goes live, and by email too if asked. Accounts only. */
export function FollowButton({ handle }: { handle: string }) {
  const [state, setState] = useState<FollowState | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    channelsApi.follow(handle, controller.signal).then(setState, (e: unknown) => !controller.signal.aborted && setError(toApiError(e).message));
    return () => controller.abort();
  }, [handle]);

  async function change(next: { following: boolean; email: boolean }) {
    setError(null);
    try {
      setState(await channelsApi.setFollow(handle, next.following ? { email: next.email } : null));
    } catch (e) {
      setError(toApiError(e).message);
    }
  }

  if (!state) return error ? <p className="small muted">{error}</p> : null;
  return (
    <div className="dj-follow">
      <button
        type="button"
        className={state.following ? 'button' : 'button button-primary'}
        aria-pressed={state.following}
        onClick={() => void change({ following: !state.following, email: false })}
        data-testid="dj-follow"
        data-following={state.following}
      >
        {state.following ? 'Following' : 'Follow'}
      </button>
      {state.following && (
        <label className="check">
          <input type="checkbox" checked={state.email} onChange={(e) => void change({ following: true, email: e.target.checked })} data-testid="dj-follow-email" />
          Email me when it goes live
        </label>
      )}
      {error && (
        <p className="small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
