import { useState } from 'react';
import { authApi } from '../api/http';
import { toApiError } from '../api/errors';
import { useSession } from '../stores/session';
import { Alert } from './Alert';

/** Until a signed-up account confirms its address, every page says so and offers a new link. */
export function EmailBanner() {
  const user = useSession((s) => s.user);
  const [state, setState] = useState<{ sending?: boolean; note?: string }>({});
  if (!user || user.isGuest || user.emailConfirmed || !user.email) return null;

  async function resend() {
    setState({ sending: true });
    try {
      await authApi.resendConfirmation();
      setState({ note: 'Sent. The newest link replaces the older ones.' });
    } catch (error) {
      setState({ note: toApiError(error).message });
    }
  }

  return (
    <div className="banner" data-testid="email-banner">
      <Alert tone="warning">
        Please confirm your email address: we sent a link to <strong>{user.email}</strong>.{' '}
        <button type="button" className="button button-quiet" onClick={resend} disabled={state.sending} data-testid="email-resend">
          {state.sending ? 'Sending…' : 'Send it again'}
        </button>{' '}
        {state.note && <span data-testid="email-resend-note">{state.note}</span>}
      </Alert>
    </div>
  );
}
