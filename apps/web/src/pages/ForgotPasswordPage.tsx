import { LIMITS, PasswordResetRequestBody } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { authApi } from '../api/http';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { formErrors, validateLocally, type FormErrors } from '../lib/form-errors';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'email'> | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validateLocally(PasswordResetRequestBody, { email }, 'password reset');
    if (!checked.ok) return setErrors(formErrors(checked.error, ['email']));
    setBusy(true);
    setErrors(null);
    try {
      await authApi.requestPasswordReset(checked.data.email);
      setSent(true);
    } catch (error) {
      setErrors(formErrors(toApiError(error), ['email']));
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return (
      <section className="panel narrow" data-testid="reset-requested">
        <h1>Check your email</h1>
        <p>If an account uses <strong>{email}</strong>, we sent it a link to choose a new password. The link works once, for a limited time.</p>
        <Link to="/signin">Back to sign in</Link>
      </section>
    );
  }

  return (
    <section className="panel narrow">
      <h1>Forgot your password?</h1>
      <p className="muted">Enter your account’s email address and we will send you a link to choose a new one.</p>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Reset password">
        <Field label="Email" testId="reset-email" type="email" value={email} onValue={setEmail} error={errors?.fields.email}
          autoComplete="email" inputMode="email" maxLength={LIMITS.email.max} />
        {errors?.form && <Alert testId="form-error">{errors.form}</Alert>}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="reset-request-submit">
          {busy ? 'Sending…' : 'Send the link'}
        </button>
      </form>
    </section>
  );
}
