import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTurnCredential, turnCredentials } from './turn-credentials.js';

describe('TURN REST credentials', () => {
  const settings = { urls: ['turn:turn.example.org:3478?transport=udp'], secret: 's3cret', ttlSeconds: 600 };
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);

  it('signs <expiry>:<user> with HMAC-SHA1 of the shared secret', () => {
    const server = turnCredentials(settings, 'user-1', now);
    expect(server.username).toBe(`${now / 1000 + 600}:user-1`);
    expect(server.credential).toBe(createHmac('sha1', 's3cret').update(server.username!).digest('base64'));
    expect(server.urls).toEqual(settings.urls);
  });

  it('gives different passwords for different users, expiries and secrets', () => {
    const a = turnCredentials(settings, 'a', 0).credential;
    expect(turnCredentials(settings, 'b', 0).credential).not.toBe(a);
    expect(turnCredentials(settings, 'a', 1000_000).credential).not.toBe(a);
    expect(turnCredentials({ ...settings, secret: 'other' }, 'a', 0).credential).not.toBe(a);
  });

  it('is valid until its TTL has passed, then expired', () => {
    const { username, credential } = turnCredentials(settings, 'u', now);
    expect(checkTurnCredential(settings, username!, credential!, now)).toBe('valid');
    expect(checkTurnCredential(settings, username!, credential!, now + 599_000)).toBe('valid');
    expect(checkTurnCredential(settings, username!, credential!, now + 600_000)).toBe('expired');
    expect(checkTurnCredential(settings, 'no-expiry', credential!, now)).toBe('malformed');
    expect(checkTurnCredential(settings, username!, 'forged', now)).toBe('bad-signature');
  });

  it('rotation: signs with the current secret and still accepts credentials signed with the previous one', () => {
    const before = turnCredentials({ ...settings, secret: 'old' }, 'u', now);
    const rotated = { ...settings, secret: 'new', previousSecret: 'old' };
    const after = turnCredentials(rotated, 'u', now);
    expect(after.credential).toBe(createHmac('sha1', 'new').update(after.username!).digest('base64'));
    expect(checkTurnCredential(rotated, before.username!, before.credential!, now)).toBe('valid');
    expect(checkTurnCredential(rotated, after.username!, after.credential!, now)).toBe('valid');
    // Once the previous secret is dropped, its credentials stop working.
    expect(checkTurnCredential({ secret: 'new' }, before.username!, before.credential!, now)).toBe('bad-signature');
  });
});
