import { useEffect, useState } from 'react';
import { usePushToTalk } from '../hooks/usePushToTalk';
import { keyLabel, loadPttKey, savePttKey } from '../lib/ptt-key';
import type { VoiceRoomSnapshot } from '../room/voice-room';
import { levelToPercent } from '../room/room-state';
import { useRoom } from '../stores/room';

/** Above this share of the meter, the person's own voice counts as "speaking". */
const SPEAKING_PERCENT = 15;

/** The person's own microphone: mute, push-to-talk, device and voice processing. */
export function VoiceControls({ snapshot }: { snapshot: VoiceRoomSnapshot }) {
  const { mic, pushToTalk, talking, micSettings, microphones, self, levels } = snapshot;
  const setMuted = useRoom((s) => s.setMuted);
  const setPushToTalk = useRoom((s) => s.setPushToTalk);
  const setTalking = useRoom((s) => s.setTalking);
  const setMicSettings = useRoom((s) => s.setMicSettings);
  const [pttKey, setPttKey] = useState(loadPttKey);
  const [choosingKey, setChoosingKey] = useState(false);
  usePushToTalk(pushToTalk && !choosingKey, pttKey, setTalking);

  // "Change key": the next key pressed becomes the talk key (Escape cancels).
  useEffect(() => {
    if (!choosingKey) return;
    const pick = (e: KeyboardEvent) => {
      e.preventDefault();
      if (e.code !== 'Escape') {
        setPttKey(e.code);
        savePttKey(e.code);
      }
      setChoosingKey(false);
    };
    window.addEventListener('keydown', pick, { capture: true, once: true });
    return () => window.removeEventListener('keydown', pick, { capture: true });
  }, [choosingKey]);

  const usable = mic === 'live' || mic === 'muted';
  const muted = mic === 'muted';
  const speaking = mic === 'live' && self !== null && levelToPercent(levels[self.peerId]) >= SPEAKING_PERCENT;
  const hold = (held: boolean) => () => setTalking(held);

  return (
    <div className="voice-controls">
      <div className="controls" role="group" aria-label="Microphone">
        {pushToTalk ? (
          <button
            type="button"
            className={talking ? 'button button-primary' : 'button'}
            disabled={!usable}
            aria-pressed={talking}
            onPointerDown={hold(true)}
            onPointerUp={hold(false)}
            onPointerLeave={hold(false)}
            onPointerCancel={hold(false)}
            onContextMenu={(e) => e.preventDefault()}
            data-testid="talk"
          >
            {talking ? 'Talking…' : `Hold to talk (${keyLabel(pttKey)})`}
          </button>
        ) : (
          <button
            type="button"
            className={muted ? 'button button-warning' : 'button'}
            onClick={() => setMuted(!muted)}
            disabled={!usable}
            aria-pressed={muted}
            data-testid="mute"
          >
            {muted ? 'Unmute' : 'Mute'}
          </button>
        )}
        <span className={speaking ? 'speaking speaking-on' : 'speaking'} data-testid="self-speaking" data-speaking={speaking}>
          {speaking ? 'You are speaking' : muted ? 'You are muted' : 'Not speaking'}
        </span>
      </div>

      <div className="voice-settings">
        <label className="check">
          <input type="checkbox" checked={pushToTalk} onChange={(e) => setPushToTalk(e.target.checked)} data-testid="ptt-toggle" />
          Push to talk
        </label>
        {pushToTalk && (
          <button type="button" className="button button-small" onClick={() => setChoosingKey(true)} data-testid="ptt-key">
            {choosingKey ? 'Press a key…' : `Talk key: ${keyLabel(pttKey)} (change)`}
          </button>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={micSettings.noiseSuppression}
            onChange={(e) => setMicSettings({ noiseSuppression: e.target.checked })}
            data-testid="noise-suppression"
          />
          Noise suppression
        </label>
        {microphones.length > 0 && (
          <label className="mic-picker">
            Microphone{' '}
            <select
              value={micSettings.deviceId ?? ''}
              onChange={(e) => setMicSettings({ deviceId: e.target.value || undefined })}
              data-testid="mic-picker"
            >
              <option value="">System default</option>
              {microphones.map((m) => (
                <option key={m.deviceId} value={m.deviceId}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    </div>
  );
}
