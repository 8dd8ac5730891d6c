import { describe, expect, it } from 'vitest';
import { safeNext, signInLink } from './next-path';

describe('safeNext', () => {
  it('keeps same-site paths', () => {
    expect(safeNext('/r/abc')).toBe('/r/abc');
    expect(safeNext('/rooms?x=1#y')).toBe('/rooms?x=1#y');
  });

  it('refuses anything that could leave the site', () => {
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/\t/evil.example', '', null, undefined]) {
      expect(safeNext(bad)).toBe('/');
    }
  });

  it('builds a sign-in link that returns here', () => {
    expect(signInLink('/r/abc')).toBe('/signin?next=%2Fr%2Fabc');
    expect(safeNext(new URLSearchParams(signInLink('/r/abc').split('?')[1]).get('next'))).toBe('/r/abc');
  });
});
