import { LIMITS } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { accountApi } from '../api/http';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { useSession } from '../stores/session';
import { useForm } from './useForm';

/** Take your data with you, then delete the account. */
export function DeleteSection() {
  const user = useSession((s) => s.user)!;
  const ended = useSession((s) => s.ended);
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [sure, setSure] = useState(false);
  const form = useForm(['password'] as const, { invalid_credentials: 'password' });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(() => accountApi.remove(user.isGuest ? {} : { password }), 'Deleted.');
    if (ok) {
      ended('Your account was deleted.');
      navigate('/');
    }
  }

  return (
    <section aria-label="Your data">
      <h2>Your data</h2>
      <p>
        <a href={accountApi.exportUrl} download className="button" data-testid="account-export">Download my data (JSON)</a>
      </p>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Delete account">
        <p className="muted">
          Deleting removes your name, email, password, sign-ins and paired computers at once; what you said in chats stays under
          “deleted user”. Everything else goes for good a few weeks later.
        </p>
        {!user.isGuest && (
          <Field label="Your password" testId="account-delete-password" type="password" value={password} onValue={setPassword}
            error={form.errors?.fields.password} autoComplete="current-password" maxLength={LIMITS.password.max} />
        )}
        <label className="check">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} data-testid="account-delete-sure" /> I understand this cannot be undone
        </label>
        {form.errors && <Alert>{form.errors.form}</Alert>}
        <button type="submit" className="button button-danger" disabled={form.busy || !sure} data-testid="account-delete">Delete my account</button>
      </form>
    </section>
  );
}
