import { randomBytes, randomInt } from 'node:crypto';
import { PAIRING_ALPHABET } from '@roomcast/shared';
import { hashToken } from '../auth/sessions.js';

/** A pairing code a person types: 8 characters of an unambiguous alphabet (~40 bits, lives minutes, one use). */
export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}

/** An agent token: 32 random bytes; the database keeps only `hashToken(token)`. */
export const newAgentToken = (): string => randomBytes(32).toString('base64url');

/** Codes are stored hashed too, so the live store never holds a usable code. */
export const hashCode = (code: string): string => hashToken(`pairing:${code}`);

/** How a code is shown: two groups of four. */
export const formatCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;
