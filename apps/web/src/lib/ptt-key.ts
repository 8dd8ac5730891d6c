/**
 * The push-to-talk key, as a KeyboardEvent.code ("Space", "KeyT"…): layout-independent, so
 * the same physical key works whatever the keyboard language. Remembered per browser.
 */
export const DEFAULT_PTT_KEY = 'Space';
const STORAGE_KEY = 'roomcast:ptt-key';

export function loadPttKey(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string {
  try {
    return storage?.getItem(STORAGE_KEY) || DEFAULT_PTT_KEY;
  } catch {
    return DEFAULT_PTT_KEY;
  }
}

export function savePttKey(code: string, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(STORAGE_KEY, code);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

/** "Space", "KeyT" → "T", "Digit1" → "1", others as the browser names them. */
export function keyLabel(code: string): string {
  if (code.startsWith('Key')) return code.slice(3);
  if (code.startsWith('Digit')) return code.slice(5);
  return code;
}

/** Typing in a field must never talk (or be swallowed): push-to-talk ignores editable targets. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  return Boolean(el.closest('input, textarea, select, [contenteditable="true"]'));
}
