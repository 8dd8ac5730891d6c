import { LIMITS, SignUpBody } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { formErrors, validateLocally, type FormErrors } from '../lib/form-errors';
import { safeNext } from '../lib/next-path';
import { useSession } from '../stores/session';

type SignUpField = 'email' | 'password' | 'displayName';
const FIELDS: readonly SignUpField[] = ['email', 'password', 'displayName'];

export function SignUpPage() {
  const signUp = useSession((s) => s.signUp);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<SignUpField> | null>(null);
  const [awaiting, setAwaiting] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validateLocally(SignUpBody, { email, password, displayName }, 'sign-up');
    if (!checked.ok) return setErrors(formErrors(checked.error, FIELDS));
    setBusy(true);
    setErrors(null);
    try {
      const { user, confirmationRequired } = await signUp(checked.data);
      if (confirmationRequired) return setAwaiting(user.email);
      navigate(safeNext(next), { replace: true });
    } catch (error) {
      // The server judges password strength; its reason belongs beside the password field.
      setErrors(formErrors(toApiError(error), FIELDS, { email_taken: 'email', weak_password: 'password' }));
      setBusy(false);
    }
  }

  if (awaiting) {
    return (
      <section className="panel narrow" data-testid="signup-check-email">
        <h1>Check your email</h1>
        <p>We sent a confirmation link to <strong>{awaiting}</strong>. Open it, then sign in.</p>
        <Link to="/signin">Sign in</Link>
      </section>
    );
  }

  return (
    <section className="panel narrow">
      <h1>Create an account</h1>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Sign up">
        <Field label="Email" testId="signup-email" type="email" value={email} onValue={setEmail} error={errors?.fields.email}
          autoComplete="email" inputMode="email" maxLength={LIMITS.email.max} />
        <Field label="Password" testId="signup-password" type="password" value={password} onValue={setPassword}
          error={errors?.fields.password} autoComplete="new-password" maxLength={LIMITS.password.max}
          hint={`At least ${LIMITS.password.min} characters; a passphrase works well.`} />
        <Field label="Display name" testId="signup-name" value={displayName} onValue={setDisplayName}
          error={errors?.fields.displayName} autoComplete="nickname" maxLength={LIMITS.displayName.max}
          hint="Shown to others in rooms." />
        {errors && <Alert testId="form-error">{errors.form}</Alert>}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="signup-submit">
          {busy ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
      <p className="muted">
        Already have an account? <Link to={next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'}>Sign in</Link>
      </p>
    </section>
  );
}
