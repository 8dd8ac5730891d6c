import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IceServer } from '@roomcast/shared';

export interface TurnSettings {
  /** Ordered UDP, then TCP, then TLS (shared `orderTurnUrls`): clients try them in that order. */
  urls: string[];
  /** Signs every new credential. */
  secret: string;
  /** During a rotation coturn accepts both; credentials signed with it stay valid until expiry. */
  previousSecret?: string | undefined;
  ttlSeconds: number;
}

const sign = (secret: string, username: string) => createHmac('sha1', secret).update(username).digest('base64');

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest): coturn's `use-auth-secret` checks
 * `password = base64(HMAC-SHA1(secret, username))` and refuses once `<expiry>` has passed,
 * so no long-lived credential ever reaches a browser.
 */
export function turnCredentials(settings: TurnSettings, userId: string, now = Date.now()): IceServer {
  const expiry = Math.floor(now / 1000) + settings.ttlSeconds;
  const username = `${expiry}:${userId}`;
  return { urls: settings.urls, username, credential: sign(settings.secret, username) };
}

/**
 * What coturn decides for a TURN REST credential, in our own words: valid when unexpired and
 * signed with the current or the previous secret. Used by tests and the self-test's reports.
 */
export function checkTurnCredential(
  settings: Pick<TurnSettings, 'secret' | 'previousSecret'>,
  username: string,
  password: string,
  now = Date.now(),
): 'valid' | 'expired' | 'bad-signature' | 'malformed' {
  const expiry = Number(username.split(':')[0]);
  if (!Number.isInteger(expiry)) return 'malformed';
  if (expiry * 1000 <= now) return 'expired';
  const given = Buffer.from(password);
  const secrets = [settings.secret, settings.previousSecret].filter((s): s is string => Boolean(s));
  const ok = secrets.some((secret) => {
    const want = Buffer.from(sign(secret, username));
    return want.length === given.length && timingSafeEqual(want, given);
  });
  return ok ? 'valid' : 'bad-signature';
}
