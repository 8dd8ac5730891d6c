import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials } from './turn-credentials.js';

describe('TURN REST credentials', () => {
  const settings = { urls: ['turn:turn.example.org:3478?transport=udp'], secret: 's3cret', ttlSeconds: 600 };

  it('signs <expiry>:<user> with HMAC-SHA1 of the shared secret', () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
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
});
