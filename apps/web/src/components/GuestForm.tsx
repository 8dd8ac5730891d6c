import { GuestBody, LIMITS } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { toApiError } from '../api/errors';
import { formErrors, validateLocally, type FormErrors } from '../lib/form-errors';
import { useSession } from '../stores/session';
import { Alert } from './Alert';
import { Field } from './Field';

/** Picks a display name and gets a guest session; the caller reacts to the user appearing. */
export function GuestForm({ submitLabel = 'Continue as guest' }: { submitLabel?: string }) {
  const guest = useSession((s) => s.guest);
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'displayName'> | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validateLocally(GuestBody, { displayName }, 'guest name');
    if (!checked.ok) return setErrors(formErrors(checked.error, ['displayName']));
    setBusy(true);
    setErrors(null);
    try {
      await guest(checked.data);
    } catch (error) {
      setErrors(formErrors(toApiError(error), ['displayName']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Join as a guest">
      <Field
        label="Your name"
        testId="guest-name"
        value={displayName}
        onValue={setDisplayName}
        error={errors?.fields.displayName}
        autoComplete="nickname"
        maxLength={LIMITS.displayName.max}
        hint="Shown to others in the room."
      />
      {errors && <Alert testId="form-error">{errors.form}</Alert>}
      <button type="submit" className="button button-primary" disabled={busy} data-testid="guest-join">
        {busy ? 'Joining…' : submitLabel}
      </button>
    </form>
  );
}
