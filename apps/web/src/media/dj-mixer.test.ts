import { describe, expect, it } from 'vitest';
import { directInput } from './dj-mixer';

describe('directInput: what goes on air without Web Audio', () => {
  it('is the only input, whichever it is', () => {
    expect(directInput(['tab'])).toBe('tab');
    expect(directInput(['device'])).toBe('device');
    expect(directInput(['talkover'])).toBe('talkover');
  });

  it('is nothing when inputs must be summed or ducked, or when there is none (the mix sends silence)', () => {
    expect(directInput(['tab', 'device'])).toBeNull();
    expect(directInput(['tab', 'talkover'])).toBeNull();
    expect(directInput([])).toBeNull();
  });
});
