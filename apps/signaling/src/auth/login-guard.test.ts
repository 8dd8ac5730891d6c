import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp } from '../testing/test-app.js';

// The real server in this process: its limiters read Date, so a faked Date lets a lockout end
// without waiting for it.
let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp({ AUTH_RATE_LIMIT: '1000', SIGNIN_FAILURES_BEFORE_LOCKOUT: '3', SIGNIN_LOCKOUT_SECONDS: '60', SIGNIN_LOCKOUT_MAX_SECONDS: '100', SIGNIN_FAILURES_PER_IP_PER_HOUR: '8' });
  for (const name of ['mia', 'noa', 'ida']) await signIn(`${name}@example.org`, `${name}s right password`, '192.0.2.1', 'signup');
});
afterAll(async () => app?.cleanup());
afterEach(() => vi.useRealTimers());

async function signIn(email: string, password: string, from: string, route: 'signin' | 'signup' = 'signin') {
  const res = await fetch(`${app.url}/api/auth/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email, password, ...(route === 'signup' && { displayName: email.split('@')[0] }) }),
  });
  const json = await res.json();
  return { status: res.status, code: json.error?.code as string | undefined, message: json.error?.message as string | undefined, retryAfter: Number(res.headers.get('retry-after')) };
}

const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

describe('guessing a password', () => {
  it('locks the account out after 3 wrong ones — even the right one waits — then doubles the lockout, up to its cap', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const guesses = ['123456', 'password', 'letmein'];
    for (const [i, guess] of guesses.entries()) expect((await signIn('mia@example.org', guess, `198.51.100.${i}`)).code).toBe('invalid_credentials');
    // Spread over addresses, still one account: locked, and the answer says for how long.
    const locked = await signIn('MIA@example.org', 'mias right password', '198.51.100.9');
    expect(locked).toMatchObject({ status: 429, code: 'rate_limited', message: expect.stringMatching(/for this account; try again in (59|60) seconds/) });
    expect(locked.retryAfter).toBeGreaterThan(55);
    expect(locked.retryAfter).toBeLessThanOrEqual(60);
    // Someone else's account from the same addresses is not affected.
    expect((await signIn('noa@example.org', 'noas right password', '198.51.100.0')).status).toBe(200);

    later(61);
    expect((await signIn('mia@example.org', 'mias right password', '198.51.100.9')).status).toBe(200);

    // The second lockout of the day lasts twice as long (120 s, capped at 100 s).
    for (const guess of guesses) await signIn('mia@example.org', guess, '198.51.100.20');
    later(61);
    expect((await signIn('mia@example.org', 'mias right password', '198.51.100.9')).message).toMatch(/try again in (3\d|40) seconds/);
    later(40);
    expect((await signIn('mia@example.org', 'mias right password', '198.51.100.9')).status).toBe(200);
  });

  it('an unknown email locks out the same way, so a lockout does not tell whether an account exists', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('nobody@example.org', `guess ${i}`, '198.51.100.30')).code).toBe('invalid_credentials');
    expect((await signIn('nobody@example.org', 'guess 4', '198.51.100.30')).message).toMatch(/for this account/);
  });

  it('one address trying many accounts is locked out for an hour after 8 wrong passwords, whichever accounts', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    for (let i = 0; i < 8; i++) expect((await signIn(`user${i}@example.org`, 'a guess', '203.0.113.66')).code).toBe('invalid_credentials');
    const locked = await signIn('ida@example.org', 'idas right password', '203.0.113.66');
    expect(locked).toMatchObject({ status: 429, code: 'rate_limited', message: expect.stringMatching(/from your address; try again in 60 minutes/) });
    expect((await signIn('ida@example.org', 'idas right password', '203.0.113.67')).status).toBe(200);
    later(3601);
    expect((await signIn('ida@example.org', 'idas right password', '203.0.113.66')).status).toBe(200);
  });
});
