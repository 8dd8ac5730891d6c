import { describe, expect, it } from 'vitest';
import { RoomcastError } from '@roomcast/shared';
import { assertStrongPassword, hashPassword, passwordWeakness, verifyPassword } from './passwords.js';

describe('password rules', () => {
  it('explains each weakness', () => {
    expect(passwordWeakness('short', 'a@b.c')).toMatch(/at least/);
    expect(passwordWeakness('aaaaaaaaaaaa', 'a@b.c')).toMatch(/different/);
    expect(passwordWeakness('Password123', 'a@b.c')).toMatch(/common/);
    expect(passwordWeakness('xx-ada.lovelace-99', 'ada.lovelace@example.org')).toMatch(/email/);
    expect(passwordWeakness('correct horse battery', 'ada@example.org')).toBeNull();
  });

  it('throws a typed weak_password error', () => {
    expect(() => assertStrongPassword('short', 'a@b.c')).toThrow(RoomcastError);
    try {
      assertStrongPassword('short', 'a@b.c');
    } catch (e) {
      expect((e as RoomcastError).code).toBe('weak_password');
    }
  });
});

describe('argon2id hashes', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'wrong horse battery')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
