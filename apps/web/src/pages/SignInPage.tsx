import { LIMITS, SignInBody } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { formErrors, validateLocally, type FormErrors } from '../lib/form-errors';
import { safeNext } from '../lib/next-path';
import { useSession } from '../stores/session';

type SignInField = 'email' | 'password';
const FIELDS: readonly SignInField[] = ['email', 'password'];

export function SignInPage() {
  const signIn = useSession((s) => s.signIn);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<SignInField> | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validateLocally(SignInBody, { email, password }, 'sign-in');
    if (!checked.ok) return setErrors(formErrors(checked.error, FIELDS));
    setBusy(true);
    setErrors(null);
    try {
      await signIn(checked.data);
      navigate(safeNext(next), { replace: true });
    } catch (error) {
      // Wrong email and wrong password get one answer on purpose: it does not say which.
      setErrors(formErrors(toApiError(error), FIELDS));
      setBusy(false);
    }
  }

  return (
    <section className="panel narrow">
      <h1>Sign in</h1>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Sign in">
        <Field label="Email" testId="signin-email" type="email" value={email} onValue={setEmail} error={errors?.fields.email}
          autoComplete="email" inputMode="email" maxLength={LIMITS.email.max} />
        <Field label="Password" testId="signin-password" type="password" value={password} onValue={setPassword}
          error={errors?.fields.password} autoComplete="current-password" maxLength={LIMITS.password.max} />
        {errors && <Alert testId="form-error">{errors.form}</Alert>}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="signin-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        <Link to="/forgot-password" data-testid="forgot-password">Forgot password?</Link>
      </p>
      <p className="muted">
        New here? <Link to={next ? `/signup?next=${encodeURIComponent(next)}` : '/signup'}>Create an account</Link>
      </p>
    </section>
  );
}
