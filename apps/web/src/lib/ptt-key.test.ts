import { describe, expect, it } from 'vitest';
import { DEFAULT_PTT_KEY, isTypingTarget, keyLabel, loadPttKey, savePttKey } from './ptt-key';

describe('push-to-talk key', () => {
  it('defaults to Space and remembers a chosen key', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadPttKey(storage)).toBe(DEFAULT_PTT_KEY);
    savePttKey('KeyT', storage);
    expect(loadPttKey(storage)).toBe('KeyT');
  });

  it('survives storage that throws', () => {
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(loadPttKey(broken)).toBe('Space');
    expect(() => savePttKey('KeyT', broken)).not.toThrow();
  });

  it('labels codes for people', () => {
    expect(keyLabel('Space')).toBe('Space');
    expect(keyLabel('KeyT')).toBe('T');
    expect(keyLabel('Digit5')).toBe('5');
  });

  it('ignores keys typed into fields', () => {
    const field = { closest: (sel: string) => (sel.includes('input') ? {} : null) };
    const body = { closest: () => null };
    expect(isTypingTarget(field as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(body as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
