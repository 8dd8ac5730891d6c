import argon2 from 'argon2';
import { LIMITS, RoomcastError } from '@roomcast/shared';

// A few of the most common passwords; length and variety rules catch most of the rest.
const COMMON = new Set(['password123', 'qwertyuiop', '1234567890', 'iloveyou12', 'password1!', 'letmein123']);

/** Explains why a password is too weak, or returns null when it is acceptable. */
export function passwordWeakness(password: string, email = ''): string | null {
  if (password.length < LIMITS.password.min) return `use at least ${LIMITS.password.min} characters`;
  if (new Set(password).size < 4) return 'use more different characters';
  if (COMMON.has(password.toLowerCase())) return 'this password is too common';
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local)) return 'do not include your email address';
  return null;
}

export function assertStrongPassword(password: string, email?: string): void {
  const weakness = passwordWeakness(password, email);
  if (weakness) throw new RoomcastError('weak_password', `password too weak: ${weakness}`, [{ path: 'password', message: weakness }]);
}

/** argon2id with the library's defaults (64 MiB, t=3, p=4): OWASP's recommended floor. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
