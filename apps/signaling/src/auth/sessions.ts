import { createHash, randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Database, User } from '../db/index.js';

export const SESSION_COOKIE = 'rc_session';

/** The cookie holds a random token; the database holds only its hash, so a leaked table opens nothing. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

const LAST_SEEN_EVERY_MS = 5 * 60_000;

export class Sessions {
  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
    private readonly secure: boolean,
  ) {}

  /** Creates a session for the user and returns the Set-Cookie header value. `device`: the browser's User-Agent. */
  async start(userId: string, device?: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.db.sessions.create({ userId, tokenHash: hashToken(token), expiresAt, device: device ?? null });
    return stringifySetCookie({
      name: SESSION_COOKIE,
      value: token,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      expires: expiresAt,
    });
  }

  /** The signed-in user behind a Cookie header, or null. */
  async resolve(cookieHeader: string | undefined): Promise<User | null> {
    const token = tokenFrom(cookieHeader);
    if (!token) return null;
    const hash = hashToken(token);
    const found = await this.db.sessions.findValidByTokenHash(hash);
    // "Last seen" for the account page, written at most every few minutes, not once per request.
    if (found && Date.now() - found.session.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) void this.db.sessions.touch(hash).catch(() => undefined);
    return found?.user ?? null;
  }

  /** Ends the session and returns the Set-Cookie header that clears the cookie. */
  async end(cookieHeader: string | undefined): Promise<string> {
    const token = tokenFrom(cookieHeader);
    if (token) await this.db.sessions.delete(hashToken(token));
    return stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', maxAge: 0 });
  }
}

function tokenFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader || cookieHeader.length > 8192) return undefined;
  const token = parseCookie(cookieHeader)[SESSION_COOKIE];
  return token && token.length <= 128 ? token : undefined;
}

/** Which sign-in a Cookie header carries (its token's hash, as stored), or undefined. */
export function sessionKey(cookieHeader: string | undefined): string | undefined {
  const token = tokenFrom(cookieHeader);
  return token ? hashToken(token) : undefined;
}
