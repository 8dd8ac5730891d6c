import type { PeerView } from '@roomcast/shared';
import { useRoom } from '../stores/room';

/** What the room's owner (or an admin) can do to someone else; the server checks again. */
export function ModeratorActions({ peer }: { peer: PeerView }) {
  const mutePeer = useRoom((s) => s.mutePeer);
  const allowUnmute = useRoom((s) => s.allowUnmute);
  const removePeer = useRoom((s) => s.removePeer);
  return (
    <span className="moderator-actions" role="group" aria-label={`Moderate ${peer.displayName}`}>
      {peer.moderatorMuted ? (
        <button type="button" className="button button-small" onClick={() => allowUnmute(peer.peerId)} data-testid="mod-allow">
          Allow to speak
        </button>
      ) : (
        <button type="button" className="button button-small button-warning" onClick={() => mutePeer(peer.peerId)} data-testid="mod-mute">
          Mute for everyone
        </button>
      )}
      <button type="button" className="button button-small button-danger" onClick={() => removePeer(peer.peerId)} data-testid="mod-remove">
        Remove
      </button>
    </span>
  );
}
