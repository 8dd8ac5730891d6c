import { useEffect } from 'react';
import { isTypingTarget } from '../lib/ptt-key';

/**
 * Holds the microphone open while `code` is held, anywhere on the page except in text fields.
 * Listens in the capture phase and swallows the key, so Space neither scrolls the page nor
 * presses whichever button has focus. Losing focus while held counts as letting go.
 */
export function usePushToTalk(enabled: boolean, code: string, setTalking: (held: boolean) => void): void {
  useEffect(() => {
    if (!enabled) return;
    const down = (e: KeyboardEvent) => {
      if (e.code !== code || isTypingTarget(e.target)) return;
      e.preventDefault();
      if (!e.repeat) setTalking(true);
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== code || isTypingTarget(e.target)) return;
      e.preventDefault();
      setTalking(false);
    };
    const release = () => setTalking(false);
    window.addEventListener('keydown', down, true);
    window.addEventListener('keyup', up, true);
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('keydown', down, true);
      window.removeEventListener('keyup', up, true);
      window.removeEventListener('blur', release);
      release();
    };
  }, [enabled, code, setTalking]);
}
