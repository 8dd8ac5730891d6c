import { createHmac } from 'node:crypto';
import type { IceServer } from '@roomcast/shared';

export interface TurnSettings {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest): coturn's `use-auth-secret` checks
 * `password = base64(HMAC-SHA1(secret, username))` and refuses once `<expiry>` has passed,
 * so no long-lived credential ever reaches a browser.
 */
export function turnCredentials(settings: TurnSettings, userId: string, now = Date.now()): IceServer {
  const expiry = Math.floor(now / 1000) + settings.ttlSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return { urls: settings.urls, username, credential };
}
