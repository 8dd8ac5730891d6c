import { positionAt } from '@roomcast/shared';
import { useEffect } from 'react';
import { isTypingTarget } from '../lib/ptt-key';
import type { PartyRoom } from '../party/party-room';
import { shortcutAction } from '../party/shortcuts';

/** Keyboard control of the party for whoever may control it; never while typing (chat, PIN). */
export function usePartyShortcuts(room: PartyRoom, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const down = (e: KeyboardEvent) => {
      const party = room.getSnapshot().party;
      if (!party || e.repeat || e.altKey || e.ctrlKey || e.metaKey || isTypingTarget(e.target)) return;
      const { state } = party;
      const action = shortcutAction(e.code, { paused: state.paused, position: positionAt(state, room.clock.serverNow()), durationS: party.video.durationMs / 1000 });
      if (!action) return;
      e.preventDefault();
      void room.command(action);
    };
    window.addEventListener('keydown', down, true);
    return () => window.removeEventListener('keydown', down, true);
  }, [room, enabled]);
}
