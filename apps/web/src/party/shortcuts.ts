import type { PartyAction } from './party-room';

/** The party's push-to-talk key (Space plays and pauses here): held, the microphone is open. */
export const PARTY_TALK_KEY = 'KeyT';

/** Seconds one arrow key moves the party. */
export const SEEK_STEP_S = 5;

/**
 * The party's keyboard shortcuts, as a pure mapping (tested without a page): Space or K plays
 * and pauses, ← and → seek by SEEK_STEP_S, J and L by twice that. Undefined: not ours.
 */
export function shortcutAction(code: string, party: { paused: boolean; position: number; durationS: number }): PartyAction | undefined {
  const seek = (by: number): PartyAction => ({ action: 'seek', position: Math.max(0, Math.min(party.durationS, party.position + by)) });
  switch (code) {
    case 'Space':
    case 'KeyK':
      return { action: party.paused ? 'play' : 'pause' };
    case 'ArrowLeft':
      return seek(-SEEK_STEP_S);
    case 'ArrowRight':
      return seek(SEEK_STEP_S);
    case 'KeyJ':
      return seek(-2 * SEEK_STEP_S);
    case 'KeyL':
      return seek(2 * SEEK_STEP_S);
    default:
      return undefined;
  }
}

/** What a key does for this viewer alone, whoever has the party's controls. */
export type ViewerAction = { kind: 'mute' } | { kind: 'fullscreen' } | { kind: 'volume'; by: number };

/** Volume one arrow key changes. */
export const VOLUME_STEP = 0.1;

/** The viewer's own keys: M mutes, F toggles fullscreen, ↑ and ↓ change the volume. Undefined: not ours. */
export function viewerShortcut(code: string): ViewerAction | undefined {
  switch (code) {
    case 'KeyM':
      return { kind: 'mute' };
    case 'KeyF':
      return { kind: 'fullscreen' };
    case 'ArrowUp':
      return { kind: 'volume', by: VOLUME_STEP };
    case 'ArrowDown':
      return { kind: 'volume', by: -VOLUME_STEP };
    default:
      return undefined;
  }
}
