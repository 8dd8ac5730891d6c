import { describe, expect, it } from 'vitest';
import { PARTY_TALK_KEY, SEEK_STEP_S, shortcutAction, viewerShortcut, VOLUME_STEP } from './shortcuts';

describe('party shortcuts', () => {
  const at = (position: number, paused = false) => ({ paused, position, durationS: 60 });

  it('toggle play and pause, and seek within the video', () => {
    expect(shortcutAction('Space', at(3, true))).toEqual({ action: 'play' });
    expect(shortcutAction('KeyK', at(3))).toEqual({ action: 'pause' });
    expect(shortcutAction('ArrowRight', at(10))).toEqual({ action: 'seek', position: 10 + SEEK_STEP_S });
    expect(shortcutAction('ArrowLeft', at(2))).toEqual({ action: 'seek', position: 0 });
    expect(shortcutAction('KeyL', at(58))).toEqual({ action: 'seek', position: 60 });
    expect(shortcutAction('KeyA', at(3))).toBeUndefined();
    // The talk key is never a playback shortcut.
    expect(shortcutAction(PARTY_TALK_KEY, at(3))).toBeUndefined();
  });

  it('give every viewer mute, fullscreen and volume keys that never touch the party', () => {
    expect(viewerShortcut('KeyM')).toEqual({ kind: 'mute' });
    expect(viewerShortcut('KeyF')).toEqual({ kind: 'fullscreen' });
    expect(viewerShortcut('ArrowUp')).toEqual({ kind: 'volume', by: VOLUME_STEP });
    expect(viewerShortcut('ArrowDown')).toEqual({ kind: 'volume', by: -VOLUME_STEP });
    for (const code of ['KeyM', 'KeyF', 'ArrowUp', 'ArrowDown']) expect(shortcutAction(code, at(3))).toBeUndefined();
    for (const code of ['Space', 'ArrowLeft', PARTY_TALK_KEY]) expect(viewerShortcut(code)).toBeUndefined();
  });
});
