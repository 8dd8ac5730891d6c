import { CreateRoomBody, LIMITS } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { toApiError } from '../api/errors';
import { roomsApi } from '../api/http';
import { formErrors, validateLocally, type FormErrors } from '../lib/form-errors';
import { Alert } from './Alert';
import { Field } from './Field';

/** Creates a voice room and walks straight into it. */
export function CreateRoomForm() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'name'> | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validateLocally(CreateRoomBody, { name, kind: 'voice' }, 'room');
    if (!checked.ok) return setErrors(formErrors(checked.error, ['name']));
    setBusy(true);
    setErrors(null);
    try {
      const { room } = await roomsApi.create(checked.data);
      navigate(`/r/${encodeURIComponent(room.id)}`);
    } catch (error) {
      setErrors(formErrors(toApiError(error), ['name']));
      setBusy(false);
    }
  }

  return (
    <form className="form form-inline" onSubmit={onSubmit} noValidate aria-label="Create a voice room">
      <Field
        label="New room name"
        testId="room-name"
        value={name}
        onValue={setName}
        error={errors?.fields.name}
        maxLength={LIMITS.roomName.max}
        placeholder="Friday night hangout"
        autoComplete="off"
      />
      <button type="submit" className="button button-primary" disabled={busy} data-testid="create-room">
        {busy ? 'Creating…' : 'Create room'}
      </button>
      {errors && <Alert testId="form-error">{errors.form}</Alert>}
    </form>
  );
}
