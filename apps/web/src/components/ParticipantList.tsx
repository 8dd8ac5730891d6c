import type { PeerView } from '@roomcast/shared';
import { levelToPercent } from '../room/room-state';
import { DEFAULT_PLAYBACK, type Playback } from '../stores/room';
import { ModeratorActions } from './ModeratorActions';
import { RoleBadge } from './RoleBadge';

interface ParticipantListProps {
  participants: PeerView[];
  selfId: string | null;
  activeSpeakerId: string | null;
  levels: Record<string, number>;
  /** Peers we hear, so a silent row can be told apart from one still connecting. */
  audible: ReadonlySet<string>;
  /** Whether this person may moderate (owner or admin): shows the actions on others' rows. */
  moderator: boolean;
  playback: Record<string, Playback>;
  onPlayback(userId: string, patch: Partial<Playback>): void;
}

const MIC_WORDS: Record<PeerView['mic'], string> = { live: 'mic on', muted: 'muted', none: 'no mic' };

export function ParticipantList({ participants, selfId, activeSpeakerId, levels, audible, moderator, playback, onPlayback }: ParticipantListProps) {
  return (
    <ul className="participants" aria-label="Participants">
      {participants.map((peer) => {
        const self = peer.peerId === selfId;
        const speaking = peer.peerId === activeSpeakerId;
        const level = levelToPercent(levels[peer.peerId]);
        const heard = playback[peer.userId] ?? DEFAULT_PLAYBACK;
        return (
          <li
            key={peer.peerId}
            className={speaking ? 'participant participant-speaking' : 'participant'}
            data-testid="participant"
            data-peer-id={peer.peerId}
            data-active-speaker={speaking ? 'true' : 'false'}
            data-mic={peer.mic}
            data-moderator-muted={peer.moderatorMuted ? 'true' : 'false'}
          >
            <span className="avatar" aria-hidden="true">
              {peer.displayName.trim().charAt(0).toUpperCase() || '?'}
            </span>
            <span className="participant-name">
              {peer.displayName}
              {self && <span className="muted"> (you)</span>}
            </span>
            <RoleBadge role={peer.role} isGuest={peer.isGuest} />
            <span className={`mic-state mic-${peer.mic}`} data-testid="mic-state">
              {MIC_WORDS[peer.mic]}
              {peer.moderatorMuted && ' (by a moderator)'}
            </span>
            {speaking && <span className="visually-hidden">speaking</span>}
            {!self && !audible.has(peer.peerId) && <span className="muted small">no audio</span>}
            <span className="level" aria-hidden="true" data-testid="level" data-level={level}>
              <span className="level-fill" style={{ width: `${level}%` }} />
            </span>
            {!self && (
              <div className="participant-actions">
                <label className="volume">
                  <span className="visually-hidden">Volume for {peer.displayName}</span>
                  <input
                    type="range"
                    min={0}
                    max={100}
                    value={Math.round(heard.volume * 100)}
                    onChange={(e) => onPlayback(peer.userId, { volume: Number(e.target.value) / 100 })}
                    data-testid="volume"
                  />
                </label>
                <button
                  type="button"
                  className="button button-small"
                  aria-pressed={heard.muted}
                  onClick={() => onPlayback(peer.userId, { muted: !heard.muted })}
                  data-testid="local-mute"
                >
                  {heard.muted ? `Unmute for me` : `Mute for me`}
                </button>
                {moderator && <ModeratorActions peer={peer} />}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
