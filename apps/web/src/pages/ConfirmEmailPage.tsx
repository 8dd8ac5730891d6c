import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { authApi } from '../api/http';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { useSession } from '../stores/session';

type State = { step: 'working' } | { step: 'done'; email: string | null } | { step: 'failed'; message: string };

/** Where the confirmation link in the sign-up email leads: it confirms as soon as it opens. */
export function ConfirmEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const user = useSession((s) => s.user);
  const updated = useSession((s) => s.updated);
  const [state, setState] = useState<State>({ step: 'working' });

  useEffect(() => {
    let live = true;
    authApi.confirmEmail(token).then(
      ({ user: confirmed }) => {
        if (!live) return;
        // The same account signed in here: its banner goes at once.
        if (useSession.getState().user?.id === confirmed.id) updated(confirmed);
        setState({ step: 'done', email: confirmed.email });
      },
      (error: unknown) => live && setState({ step: 'failed', message: toApiError(error).message }),
    );
    return () => {
      live = false;
    };
  }, [token, updated]);

  return (
    <section className="panel narrow" data-testid="confirm-email">
      <h1>Confirm your email</h1>
      {state.step === 'working' && <p className="muted">Confirming…</p>}
      {state.step === 'done' && (
        <>
          <Alert tone="info" testId="confirm-email-done">{state.email ?? 'Your address'} is confirmed. Thank you!</Alert>
          <Link to={user ? '/' : '/signin'}>{user ? 'Continue' : 'Sign in'}</Link>
        </>
      )}
      {state.step === 'failed' && (
        <>
          <Alert testId="confirm-email-failed">{state.message}</Alert>
          <p className="muted">
            {user ? 'Use “Send it again” in the banner above for a new link.' : <>Sign in to ask for a new link.</>}
          </p>
        </>
      )}
    </section>
  );
}
