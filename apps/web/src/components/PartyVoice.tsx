import { useCallback, useState } from 'react';
import { usePushToTalk } from '../hooks/usePushToTalk';
import { keyLabel } from '../lib/ptt-key';
import type { PartyRoom, PartySnapshot } from '../party/party-room';
import { PARTY_TALK_KEY } from '../party/shortcuts';
import { DEFAULT_PLAYBACK } from '../stores/room';
import { RemoteAudio } from './RemoteAudio';

/**
 * The party's voice, opt-in (opening a party never turns a microphone on): how it travels
 * (peer to peer or through the server, the server's choice for everyone), mute, push-to-talk
 * (hold T or the button: Space plays and pauses here), and one <audio> per voice heard.
 */
export function PartyVoice({ room, snapshot }: { room: PartyRoom; snapshot: PartySnapshot }) {
  const { voiceOn, voiceMode, mic, micMessage, pushToTalk, talking, meshAudio, remoteAudio, party } = snapshot;
  const [blocked, setBlocked] = useState(false);
  const onBlocked = useCallback(() => setBlocked(true), []);
  const setTalking = useCallback((held: boolean) => room.voice.mic.setTalking(held), [room]);
  usePushToTalk(voiceOn && pushToTalk, PARTY_TALK_KEY, setTalking);
  const peerOfMesh = (meshId: string) => party?.presence.members.find((m) => m.meshId === meshId)?.peerId ?? meshId;
  const usable = mic === 'live' || mic === 'muted';
  return (
    <div className="party-voice" role="group" aria-label="Voice" data-testid="party-voice" data-mode={voiceMode ?? ''} data-mic={mic}>
      <span className="small muted" data-testid="party-voice-mode">
        {voiceMode === 'sfu' ? 'Voice through the server' : voiceMode === 'mesh' ? 'Voice peer to peer' : 'Voice…'}
      </span>
      {!voiceOn ? (
        <button type="button" className="button button-primary" onClick={() => room.voice.join()} data-testid="party-voice-join">
          Join voice
        </button>
      ) : pushToTalk ? (
        <button
          type="button"
          className={`button${talking ? ' button-primary' : ''}`}
          disabled={!usable}
          onPointerDown={() => setTalking(true)}
          onPointerUp={() => setTalking(false)}
          onPointerLeave={() => setTalking(false)}
          data-testid="party-talk"
        >
          {talking ? 'Talking…' : `Hold to talk (or ${keyLabel(PARTY_TALK_KEY)})`}
        </button>
      ) : (
        <button type="button" className="button" disabled={!usable} onClick={() => room.voice.mic.setMuted(mic === 'live')} data-testid="party-mute">
          {mic === 'live' ? 'Mute' : 'Unmute'}
        </button>
      )}
      <label className="check small" hidden={!voiceOn}>
        <input type="checkbox" checked={pushToTalk} disabled={!usable} onChange={(e) => room.voice.mic.setPushToTalk(e.target.checked)} data-testid="party-ptt" />
        Push to talk
      </label>
      {micMessage && <span className="small muted">{micMessage}</span>}
      {blocked && (
        <button type="button" className="button" onClick={() => setBlocked(false)}>
          Click to hear the others
        </button>
      )}
      <div className="remote-audio" data-testid="party-mesh-audio">
        {Object.entries(meshAudio).map(([meshId, stream]) => {
          const track = stream.getAudioTracks()[0];
          return track ? <RemoteAudio key={`mesh-${meshId}`} peerId={peerOfMesh(meshId)} track={track} playback={DEFAULT_PLAYBACK} onBlocked={onBlocked} /> : null;
        })}
      </div>
      <div className="remote-audio" data-testid="party-sfu-audio">
        {remoteAudio.map((a) => (
          <RemoteAudio key={a.consumerId} peerId={a.peerId} track={a.track} playback={DEFAULT_PLAYBACK} onBlocked={onBlocked} />
        ))}
      </div>
    </div>
  );
}
