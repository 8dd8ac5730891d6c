import { positionAt } from '@roomcast/shared';
import { useEffect } from 'react';
import { isTypingTarget } from '../lib/ptt-key';
import type { PartyRoom } from '../party/party-room';
import { shortcutAction, viewerShortcut, type ViewerAction } from '../party/shortcuts';

/**
 * Keyboard control of the party: playback keys for whoever may control it, this viewer's own
 * keys (volume, mute, fullscreen) for everyone; never while typing (chat, PIN).
 */
export function usePartyShortcuts(room: PartyRoom, canControl: boolean, onViewer: (action: ViewerAction) => void): void {
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const party = room.getSnapshot().party;
      if (!party || e.repeat || e.altKey || e.ctrlKey || e.metaKey || isTypingTarget(e.target)) return;
      const own = viewerShortcut(e.code);
      if (own) {
        e.preventDefault();
        return onViewer(own);
      }
      if (!canControl) return;
      const { state } = party;
      const action = shortcutAction(e.code, { paused: state.paused, position: positionAt(state, room.clock.serverNow()), durationS: party.video.durationMs / 1000 });
      if (!action) return;
      e.preventDefault();
      void room.command(action);
    };
    window.addEventListener('keydown', down, true);
    return () => window.removeEventListener('keydown', down, true);
  }, [room, canControl, onViewer]);
}
