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
