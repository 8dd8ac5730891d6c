import { LIMITS } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { accountApi } from '../api/http';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { useSession } from '../stores/session';
import { useForm } from './useForm';

export function ProfileSection() {
  const user = useSession((s) => s.user)!;
  const updated = useSession((s) => s.updated);
  const [name, setName] = useState(user.displayName);
  const form = useForm(['displayName'] as const);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await form.run(async () => updated((await accountApi.rename({ displayName: name })).user), 'Saved.');
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Display name">
      <h2>Name</h2>
      <Field label="Display name" testId="account-name" value={name} onValue={setName} error={form.errors?.fields.displayName} maxLength={LIMITS.displayName.max} />
      {form.errors && <Alert>{form.errors.form}</Alert>}
      {form.done && <Alert tone="info" testId="account-name-saved">{form.done}</Alert>}
      <button type="submit" className="button" disabled={form.busy} data-testid="account-name-save">Save name</button>
    </form>
  );
}

export function EmailSection() {
  const user = useSession((s) => s.user)!;
  const updated = useSession((s) => s.updated);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useForm(['email', 'password'] as const, { email_taken: 'email', invalid_credentials: 'password' });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(async () => updated((await accountApi.changeEmail({ email, password })).user), 'Changed. We sent a confirmation link to the new address.');
    if (ok) setPassword('');
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Email address">
      <h2>Email</h2>
      <p className="muted">Now: {user.email} {user.emailConfirmed ? '(confirmed)' : '(not confirmed yet)'}</p>
      <Field label="New email" testId="account-email" type="email" value={email} onValue={setEmail} error={form.errors?.fields.email} autoComplete="email" maxLength={LIMITS.email.max} />
      <Field label="Your password" testId="account-email-password" type="password" value={password} onValue={setPassword} error={form.errors?.fields.password} autoComplete="current-password" maxLength={LIMITS.password.max} />
      {form.errors && <Alert>{form.errors.form}</Alert>}
      {form.done && <Alert tone="info">{form.done}</Alert>}
      <button type="submit" className="button" disabled={form.busy} data-testid="account-email-save">Change email</button>
    </form>
  );
}

export function PasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const form = useForm(['currentPassword', 'password'] as const, { invalid_credentials: 'currentPassword', weak_password: 'password' });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(() => accountApi.changePassword({ currentPassword: current, password: next }), 'Changed. Your other devices were signed out.');
    if (ok) {
      setCurrent('');
      setNext('');
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Password">
      <h2>Password</h2>
      <Field label="Current password" testId="account-current-password" type="password" value={current} onValue={setCurrent} error={form.errors?.fields.currentPassword} autoComplete="current-password" maxLength={LIMITS.password.max} />
      <Field label="New password" testId="account-new-password" type="password" value={next} onValue={setNext} error={form.errors?.fields.password} autoComplete="new-password" maxLength={LIMITS.password.max}
        hint={`At least ${LIMITS.password.min} characters; a passphrase works well.`} />
      {form.errors && <Alert>{form.errors.form}</Alert>}
      {form.done && <Alert tone="info" testId="account-password-saved">{form.done}</Alert>}
      <button type="submit" className="button" disabled={form.busy} data-testid="account-password-save">Change password</button>
    </form>
  );
}
