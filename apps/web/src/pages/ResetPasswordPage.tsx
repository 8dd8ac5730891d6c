import { LIMITS, PasswordResetBody } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { authApi } from '../api/http';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { formErrors, validateLocally, type FormErrors } from '../lib/form-errors';

/** Where the reset link in the email leads: choose a new password; every sign-in ends. */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'password' | 'token'> | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validateLocally(PasswordResetBody, { token, password }, 'new password');
    if (!checked.ok) return setErrors(formErrors(checked.error, ['password', 'token']));
    setBusy(true);
    setErrors(null);
    try {
      await authApi.completePasswordReset(checked.data);
      setDone(true);
    } catch (error) {
      setErrors(formErrors(toApiError(error), ['password', 'token'], { weak_password: 'password' }));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <section className="panel narrow" data-testid="reset-done">
        <h1>Password changed</h1>
        <p>Every device that was signed in has been signed out. Sign in with your new password.</p>
        <Link to="/signin">Sign in</Link>
      </section>
    );
  }

  const linkBroken = errors?.fields.token ?? (errors && !errors.fields.password ? errors.form : undefined);
  return (
    <section className="panel narrow">
      <h1>Choose a new password</h1>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="New password">
        <Field label="New password" testId="reset-password" type="password" value={password} onValue={setPassword}
          error={errors?.fields.password} autoComplete="new-password" maxLength={LIMITS.password.max}
          hint={`At least ${LIMITS.password.min} characters; a passphrase works well.`} />
        {linkBroken && (
          <Alert testId="form-error">
            {linkBroken} <Link to="/forgot-password">Ask for a new link</Link>
          </Alert>
        )}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="reset-submit">
          {busy ? 'Saving…' : 'Set the new password'}
        </button>
      </form>
    </section>
  );
}
