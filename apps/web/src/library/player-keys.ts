/** What a key press asks the library player to do. */
export type PlayerAction =
  | { type: 'toggle' }
  | { type: 'seek'; bySeconds: number }
  | { type: 'volume'; by: number }
  | { type: 'mute' }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'shuffle' }
  | { type: 'repeat' };

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The focused element's tag and type: keys typed into a field are the field's. */
  targetTag: string;
  targetType?: string | undefined;
  targetEditable?: boolean;
}

/** Shown in the page's shortcut help, in this order. */
export const SHORTCUTS: readonly [string, string][] = [
  ['Space or K', 'play / pause'],
  ['← / →', 'back / forward 10 s (Shift: 30 s)'],
  ['↑ / ↓', 'volume'],
  ['M', 'mute'],
  ['N / P', 'next / previous track'],
  ['S', 'shuffle'],
  ['R', 'repeat (off, all, one)'],
];

const TYPING_TYPES = new Set(['text', 'search', 'email', 'password', 'number', 'url', 'tel']);

/**
 * The player's keyboard shortcuts, as a pure mapping. Keys go to a field when one is focused
 * (typing "n" in search must not skip a track), and chords with Ctrl/Meta/Alt are the browser's.
 * Space on a focused button is the button's own (it clicks it).
 */
export function keyAction(k: KeyPress): PlayerAction | null {
  if (k.ctrlKey || k.metaKey || k.altKey) return null;
  const tag = k.targetTag.toUpperCase();
  if (k.targetEditable || tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && TYPING_TYPES.has((k.targetType ?? 'text').toLowerCase()))) return null;
  switch (k.key) {
    case ' ':
      return tag === 'BUTTON' || tag === 'AUDIO' ? null : { type: 'toggle' };
    case 'k':
    case 'K':
      return { type: 'toggle' };
    case 'ArrowRight':
      return { type: 'seek', bySeconds: k.shiftKey ? 30 : 10 };
    case 'ArrowLeft':
      return { type: 'seek', bySeconds: k.shiftKey ? -30 : -10 };
    case 'ArrowUp':
      return tag === 'INPUT' ? null : { type: 'volume', by: 0.1 };
    case 'ArrowDown':
      return tag === 'INPUT' ? null : { type: 'volume', by: -0.1 };
    case 'm':
    case 'M':
      return { type: 'mute' };
    case 'n':
    case 'N':
      return { type: 'next' };
    case 'p':
    case 'P':
      return { type: 'previous' };
    case 's':
    case 'S':
      return { type: 'shuffle' };
    case 'r':
    case 'R':
      return { type: 'repeat' };
    default:
      return null;
  }
}
