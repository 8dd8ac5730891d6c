import { Id, PartyPin, partyPath, type PartyInfo } from '@roomcast/shared';
import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { toApiError } from '../api/errors';
import { partiesApi } from '../api/http';
import { Alert } from '../components/Alert';
import { GuestForm } from '../components/GuestForm';
import { PartyScreen } from '../components/PartyScreen';
import { PartyRoom } from '../party/party-room';
import { useSession } from '../stores/session';

/** /party/:roomId — a share link: sign in (or a guest name), the PIN if asked, then the party. */
export function PartyPage() {
  const { roomId = '' } = useParams();
  const user = useSession((s) => s.user);
  const sessionStatus = useSession((s) => s.status);
  if (!Id.safeParse(roomId).success) return <PartyMissing />;
  if (sessionStatus === 'unknown') return <p className="muted">Loading…</p>;
  if (!user) {
    return (
      <section className="panel narrow">
        <h1>Join this watch party</h1>
        <p className="muted">Pick a name to join as a guest, or sign in to use your account.</p>
        <GuestForm submitLabel="Join as guest" />
      </section>
    );
  }
  return <PartyGate key={`${roomId}:${user.id}`} roomId={roomId} />;
}

function PartyMissing() {
  return (
    <section className="panel narrow">
      <h1>Party not found</h1>
      <Alert testId="party-error">This party does not exist (or has ended).</Alert>
    </section>
  );
}

/** Asks for the PIN when the party has one (again after a wrong one), then joins. */
function PartyGate({ roomId }: { roomId: string }) {
  const [info, setInfo] = useState<PartyInfo | null>(null);
  const [missing, setMissing] = useState(false);
  const [pin, setPin] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    partiesApi.get(roomId, controller.signal).then(
      ({ party }) => setInfo(party),
      (error: unknown) => !controller.signal.aborted && setMissing(toApiError(error).code === 'not_found'),
    );
    return () => controller.abort();
  }, [roomId]);

  if (missing) return <PartyMissing />;
  if (!info) return <p className="muted">Loading…</p>;
  if (info.needsPin && pin === null) return <PinForm name={info.name} onPin={setPin} />;
  return <PartySession roomId={roomId} pin={pin ?? undefined} onWrongPin={info.needsPin ? () => setPin(null) : undefined} />;
}

function PinForm({ name, onPin, error }: { name: string; onPin: (pin: string) => void; error?: string }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = PartyPin.safeParse(value.trim());
    if (!checked.success) return setProblem(checked.error.issues[0]?.message ?? 'invalid PIN');
    onPin(checked.data);
  }
  return (
    <section className="panel narrow">
      <h1>Join “{name}”</h1>
      {(problem ?? error) && <Alert testId="party-pin-error">{problem ?? error}</Alert>}
      <form onSubmit={onSubmit} className="form">
        <label className="field">
          <span>This party has a PIN</span>
          <input inputMode="numeric" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} data-testid="party-pin" />
        </label>
        <button type="submit" className="button button-primary" data-testid="party-pin-submit">
          Join
        </button>
      </form>
    </section>
  );
}

/** Joined for as long as it is mounted. A refused PIN goes back to the PIN form with the server's words. */
function PartySession({ roomId, pin, onWrongPin }: { roomId: string; pin: string | undefined; onWrongPin: (() => void) | undefined }) {
  const [room] = useState(() => new PartyRoom(roomId, pin));
  const snapshot = useSyncExternalStore(
    (listener) => room.subscribe(listener),
    () => room.getSnapshot(),
  );
  useEffect(() => {
    room.start();
    // Tests and the benchmark read the player through this handle.
    (window as unknown as { roomcastParty?: PartyRoom }).roomcastParty = room;
    return () => room.close();
  }, [room]);

  const pinRefused = snapshot.status === 'failed' && /PIN/.test(snapshot.error?.message ?? '');
  if (pinRefused && onWrongPin) {
    return (
      <section className="panel narrow">
        <Alert testId="party-error">{snapshot.error?.message}</Alert>
        <button type="button" className="button" onClick={onWrongPin} data-testid="party-pin-retry">
          Enter the PIN again
        </button>
      </section>
    );
  }
  return <PartyScreen room={room} snapshot={snapshot} />;
}

/** /party/new?video=ID — starts a party from one of my ready videos (with an optional PIN). */
export function NewPartyPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const videoId = params.get('video') ?? '';

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = pin.trim();
    if (trimmed && !PartyPin.safeParse(trimmed).success) return setError('A PIN is 4 to 12 digits.');
    try {
      const { party } = await partiesApi.create({ videoId, ...(trimmed ? { pin: trimmed } : {}) });
      navigate(partyPath(party.roomId));
    } catch (e) {
      setError(toApiError(e).message);
    }
  }

  if (!user) return <p className="muted">Sign in to start a party. <Link to="/signin">Sign in</Link></p>;
  return (
    <section className="panel narrow">
      <h1>Start a watch party</h1>
      {error && <Alert testId="party-error">{error}</Alert>}
      <form onSubmit={onSubmit} className="form">
        <label className="field">
          <span>PIN (optional, 4–12 digits)</span>
          <input inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} data-testid="party-new-pin" />
        </label>
        <button type="submit" className="button button-primary" data-testid="party-create">
          Start the party
        </button>
      </form>
    </section>
  );
}
