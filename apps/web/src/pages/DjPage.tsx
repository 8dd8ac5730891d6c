import { ChannelHandle } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Field } from '../components/Field';
import { useSession } from '../stores/session';

/** `/dj`: open a channel by its handle, or (broadcasters) go to the studio. */
export function DjPage() {
  const user = useSession((s) => s.user);
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const broadcaster = Boolean(user && !user.isGuest && (user.role === 'broadcaster' || user.role === 'admin'));

  function open(event: FormEvent) {
    event.preventDefault();
    const parsed = ChannelHandle.safeParse(handle);
    if (!parsed.success) return setError('A handle is letters, digits, - and _.');
    navigate(`/c/${parsed.data}`);
  }

  return (
    <section className="panel narrow">
      <h1>DJ channels</h1>
      <p className="muted">Live sets from the browser, heard about a tenth of a second later, with chat and likes.</p>
      {broadcaster && (
        <p>
          <Link className="button button-primary" to="/studio" data-testid="dj-studio-link">
            Open your studio
          </Link>
        </p>
      )}
      <form className="form" onSubmit={open}>
        <Field label="Channel handle" testId="dj-open-handle" value={handle} onValue={setHandle} error={error} autoComplete="off" />
        <button type="submit" className="button">
          Open channel
        </button>
      </form>
    </section>
  );
}
