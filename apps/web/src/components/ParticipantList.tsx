import type { PeerView } from '@roomcast/shared';
import { levelToPercent } from '../media/room-state';
import { RoleBadge } from './RoleBadge';

interface ParticipantListProps {
  participants: PeerView[];
  selfId: string | null;
  activeSpeakerId: string | null;
  levels: Record<string, number>;
  /** Peers we hear, so a silent row can be told apart from one still connecting. */
  audible: ReadonlySet<string>;
}

export function ParticipantList({ participants, selfId, activeSpeakerId, levels, audible }: ParticipantListProps) {
  return (
    <ul className="participants" aria-label="Participants">
      {participants.map((peer) => {
        const self = peer.peerId === selfId;
        const speaking = peer.peerId === activeSpeakerId;
        const level = levelToPercent(levels[peer.peerId]);
        return (
          <li
            key={peer.peerId}
            className={speaking ? 'participant participant-speaking' : 'participant'}
            data-testid="participant"
            data-peer-id={peer.peerId}
            data-active-speaker={speaking ? 'true' : 'false'}
          >
            <span className="avatar" aria-hidden="true">
              {peer.displayName.trim().charAt(0).toUpperCase() || '?'}
            </span>
            <span className="participant-name">
              {peer.displayName}
              {self && <span className="muted"> (you)</span>}
            </span>
            <RoleBadge role={peer.role} isGuest={peer.isGuest} />
            {speaking && <span className="visually-hidden">speaking</span>}
            {!self && !audible.has(peer.peerId) && <span className="muted small">no audio</span>}
            <span className="level" aria-hidden="true">
              <span className="level-fill" style={{ width: `${level}%` }} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}
