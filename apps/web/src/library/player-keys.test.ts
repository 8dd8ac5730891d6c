import { describe, expect, it } from 'vitest';
import { keyAction, type KeyPress } from './player-keys';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, targetTag: 'BODY', ...over });

describe('player keys', () => {
  it('maps space, arrows, n/p, m, s, r', () => {
    expect(keyAction(press(' '))).toEqual({ type: 'toggle' });
    expect(keyAction(press('ArrowRight'))).toEqual({ type: 'seek', bySeconds: 10 });
    expect(keyAction(press('ArrowLeft', { shiftKey: true }))).toEqual({ type: 'seek', bySeconds: -30 });
    expect(keyAction(press('ArrowUp'))).toEqual({ type: 'volume', by: 0.1 });
    expect(keyAction(press('n'))).toEqual({ type: 'next' });
    expect(keyAction(press('P'))).toEqual({ type: 'previous' });
    expect(keyAction(press('m'))).toEqual({ type: 'mute' });
    expect(keyAction(press('s'))).toEqual({ type: 'shuffle' });
    expect(keyAction(press('r'))).toEqual({ type: 'repeat' });
    expect(keyAction(press('x'))).toBeNull();
  });

  it('leaves keys typed into fields, browser chords and space on a button alone', () => {
    expect(keyAction(press('n', { targetTag: 'INPUT', targetType: 'search' }))).toBeNull();
    expect(keyAction(press(' ', { targetTag: 'TEXTAREA' }))).toBeNull();
    expect(keyAction(press('n', { targetTag: 'DIV', targetEditable: true }))).toBeNull();
    expect(keyAction(press('r', { ctrlKey: true }))).toBeNull();
    expect(keyAction(press(' ', { targetTag: 'BUTTON' }))).toBeNull();
    // A checkbox or range is not typed into: shortcuts work (but arrows up/down are the range's).
    expect(keyAction(press('n', { targetTag: 'INPUT', targetType: 'checkbox' }))).toEqual({ type: 'next' });
    expect(keyAction(press('ArrowUp', { targetTag: 'INPUT', targetType: 'range' }))).toBeNull();
  });
});
