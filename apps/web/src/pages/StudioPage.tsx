import { type ChannelView } from '@roomcast/shared';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { toApiError } from '../api/errors';
import { channelsApi } from '../api/http';
import { Alert } from '../components/Alert';
import { Archives } from '../components/dj/Archives';
import { ChatPanel } from '../components/dj/ChatPanel';
import { Counts } from '../components/dj/Counts';
import { LevelMeter } from '../components/dj/LevelMeter';
import { OnAirStatus } from '../components/dj/OnAirStatus';
import { Field } from '../components/Field';
import { useRoomUse } from '../hooks/useRoomUse';
import { captureDeviceAudio, captureTabAudio, describeSourceError } from '../media/dj-source';
import { StudioMixer, type MixInput } from '../media/dj-mixer';
import { captureMicrophone, DEFAULT_MIC_SETTINGS, listMicrophones, type MicDevice } from '../media/microphone';
import { DjStudio } from '../room/dj-rooms';
import { useSession } from '../stores/session';

/** `/studio`: the broadcaster's channel settings and the live studio. */
export function StudioPage() {
  const user = useSession((s) => s.user);
  const sessionStatus = useSession((s) => s.status);
  const [channel, setChannel] = useState<ChannelView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const allowed = Boolean(user && !user.isGuest && (user.role === 'broadcaster' || user.role === 'admin'));

  useEffect(() => {
    if (!allowed) return;
    const controller = new AbortController();
    channelsApi.mine(controller.signal).then(
      ({ channel }) => setChannel(channel),
      (e: unknown) => {
        if (controller.signal.aborted) return;
        if (toApiError(e).code === 'not_found') setChannel(null);
        else setError(toApiError(e).message);
      },
    );
    return () => controller.abort();
  }, [allowed]);

  if (sessionStatus === 'unknown') return <p className="muted">Loading…</p>;
  if (!allowed) {
    return (
      <section className="panel narrow">
        <h1>Studio</h1>
        <p className="muted">Going live needs an account with the broadcaster role; an administrator grants it.</p>
        {!user && <Link to="/signin?next=%2Fstudio">Sign in</Link>}
      </section>
    );
  }
  if (error) return <Alert testId="studio-error">{error}</Alert>;
  if (channel === undefined) return <p className="muted">Loading…</p>;
  return (
    <section className="dj" aria-labelledby="studio-title">
      <h1 id="studio-title">Studio</h1>
      <ChannelForm channel={channel} onSaved={setChannel} />
      {channel && (
        <>
          <p>
            Your channel: <Link to={`/c/${channel.handle}`} data-testid="studio-channel-link">/c/{channel.handle}</Link>
          </p>
          <Studio key={channel.roomId} channel={channel} selfUserId={user!.id} />
        </>
      )}
    </section>
  );
}

function ChannelForm({ channel, onSaved }: { channel: ChannelView | null; onSaved(c: ChannelView): void }) {
  const [handle, setHandle] = useState(channel?.handle ?? '');
  const [title, setTitle] = useState(channel?.title ?? '');
  const [description, setDescription] = useState(channel?.description ?? '');
  const [message, setMessage] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      const { channel: saved } = await channelsApi.save({ handle, title, description, links: channel?.links ?? [], artworkUrl: channel?.artworkUrl ?? null });
      onSaved(saved);
      setMessage('Saved.');
    } catch (e) {
      setMessage(toApiError(e).message);
    }
  }

  return (
    <details open={!channel} className="panel">
      <summary>{channel ? 'Channel settings' : 'Create your channel'}</summary>
      <form className="form" onSubmit={save}>
        <Field label="Handle (/c/…)" testId="channel-handle" value={handle} onValue={setHandle} autoComplete="off" />
        <Field label="Title" testId="channel-title" value={title} onValue={setTitle} />
        <Field label="Description" testId="channel-description" value={description} onValue={setDescription} />
        <button type="submit" className="button button-primary" data-testid="channel-save">
          {channel ? 'Save' : 'Create channel'}
        </button>
        {message && <p className="small" role="status">{message}</p>}
      </form>
    </details>
  );
}

function Studio({ channel, selfUserId }: { channel: ChannelView; selfUserId: string }) {
  const { use, snapshot } = useRoomUse(() => new DjStudio(channel.roomId), channel.roomId);
  const { status, error, live, counts, chat, onAir, studioMessage, bitrateKbps } = snapshot;
  const mixer = useMemo(() => new StudioMixer((on) => setDucked(on)), []);
  useEffect(() => () => mixer.close(), [mixer]);
  const [inputs, setInputs] = useState<MixInput[]>([]);
  const [ducked, setDucked] = useState(false);
  const [sourceError, setSourceError] = useState<string | null>(null);
  const [devices, setDevices] = useState<MicDevice[]>([]);
  const [deviceId, setDeviceId] = useState('');
  const [title, setTitle] = useState('');

  /** Adds a source to the mix (the mix is what goes on air, whatever its inputs). */
  async function add(input: MixInput) {
    setSourceError(null);
    try {
      const track =
        input === 'tab' ? await captureTabAudio() : input === 'device' ? await captureDeviceAudio(deviceId || undefined) : await captureMicrophone(DEFAULT_MIC_SETTINGS);
      mixer.set(input, track);
      // Sharing stopped from the browser's own bar: the input leaves the mix (a sole input is on
      // air as its own track, which must not stay on air ended).
      track.addEventListener('ended', () => mixer.has(input, track) && remove(input), { once: true });
      await use.studio.setSource(mixer.track);
      setInputs((now) => [...now.filter((i) => i !== input), input]);
      if (input !== 'tab') setDevices(await listMicrophones());
    } catch (e) {
      setSourceError(describeSourceError(e));
    }
  }

  function remove(input: MixInput) {
    mixer.set(input, null);
    setInputs((now) => now.filter((i) => i !== input));
    // The output may change (a mix of two becomes the remaining input's own track).
    void use.studio.setSource(mixer.track);
  }

  return (
    <div className="dj-studio">
      <OnAirStatus live={live} offLabel="Off air" status={status} error={error} onRetry={() => use.retry()} />

      <fieldset className="dj-source">
        <legend>Source (music mode: echo cancellation, noise suppression and auto gain off; stereo Opus at {bitrateKbps} kbps)</legend>
        {inputs.includes('tab') ? (
          <button type="button" className="button" onClick={() => remove('tab')} data-testid="dj-source-tab-remove">
            Stop tab audio
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void add('tab')} data-testid="dj-source-tab">
            This tab's audio
          </button>
        )}
        <label>
          Input device{' '}
          <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)} data-testid="dj-device">
            <option value="">Default</option>
            {devices.map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        {inputs.includes('device') ? (
          <button type="button" className="button" onClick={() => remove('device')} data-testid="dj-source-device-remove">
            Stop device
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void add('device')} data-testid="dj-source-device">
            Add device
          </button>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={inputs.includes('talkover')}
            onChange={(e) => (e.target.checked ? void add('talkover') : remove('talkover'))}
            data-testid="dj-talkover"
          />
          Talk-over microphone (the music ducks while you speak)
        </label>
        <LevelMeter track={inputs.length ? mixer.track : null} />
        {inputs.length > 0 && (
          <p className="small muted" data-testid="dj-source-label">
            On the mix: {inputs.map((i) => (i === 'tab' ? 'this tab' : i === 'device' ? 'input device' : 'talk-over mic')).join(', ')}
            {ducked && (
              <span className="badge" data-testid="dj-ducked">
                {' '}
                ducked
              </span>
            )}
          </p>
        )}
        {sourceError && <Alert testId="dj-source-error">{sourceError}</Alert>}
      </fieldset>

      <div className="controls">
        {live && onAir === 'off' ? (
          <>
            <p className="notice" data-testid="dj-resume-hint">
              Your broadcast is still on air. Pick the source again and resume it: listeners stay, and the archive goes on.
            </p>
            <button type="button" className="button button-primary" onClick={() => void use.studio.resume()} disabled={inputs.length === 0 || status !== 'connected'} data-testid="dj-resume">
              Resume broadcast
            </button>
            <button type="button" className="button button-danger" onClick={() => void use.studio.end()} data-testid="dj-end">
              End broadcast
            </button>
          </>
        ) : onAir === 'live' || live ? (
          <button type="button" className="button button-danger" onClick={() => void use.studio.end()} disabled={onAir === 'ending'} data-testid="dj-end">
            End broadcast
          </button>
        ) : (
          <>
            <label>
              Title{' '}
              <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder={channel.title} data-testid="dj-title" maxLength={120} />
            </label>
            <button type="button" className="button button-primary" onClick={() => void use.studio.goLive(title.trim() || undefined)} disabled={inputs.length === 0 || onAir === 'starting' || status !== 'connected'} data-testid="dj-go-live">
              Go live
            </button>
          </>
        )}
      </div>
      {studioMessage && (
        <p className="notice notice-warning" role="alert" data-testid="dj-studio-message">
          {studioMessage}
        </p>
      )}
      <Counts counts={counts} />
      <ChatPanel
        chat={chat}
        onSend={live ? (text) => use.dj.sendChat(text) : undefined}
        selfUserId={selfUserId}
        moderate={{ remove: (id) => use.dj.deleteChat(id), ban: (userId) => use.dj.banChat(userId) }}
      />
      <Archives handle={channel.handle} manage version={onAir} />
    </div>
  );
}
