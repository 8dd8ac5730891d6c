import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SmtpInbox, type ReceivedMail } from '@roomcast/testkit';
import { Client, startTestApp } from '../testing/test-app.js';

const tokenIn = (text: string, page: string) => new RegExp(`http://roomcast\\.test${page}\\?token=([A-Za-z0-9_-]{43})`).exec(text)?.[1];

let inbox: SmtpInbox;
let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  inbox = await SmtpInbox.start();
  app = await startTestApp({ SMTP_URL: inbox.url, PUBLIC_URL: 'http://roomcast.test', MAIL_FROM: 'Roomcast <noreply@roomcast.test>', AUTH_RATE_LIMIT: '1000' });
  await new Client(app.url).call('POST', '/api/auth/signup', { email: 'root@example.org', password: 'the first one administers', displayName: 'Root' });
  await inbox.next();
});
afterAll(async () => {
  await app?.cleanup();
  await inbox?.close();
});
afterEach(() => vi.useRealTimers());

describe('confirming an email address', () => {
  it('sign-up sends a link through SMTP; it confirms once, then says it was used', async () => {
    const zoe = new Client(app.url);
    const signup = await zoe.call('POST', '/api/auth/signup', { email: 'zoe@example.org', password: 'zoe confirms her mail', displayName: 'Zoe' });
    expect(signup.json.user).toMatchObject({ email: 'zoe@example.org', emailConfirmed: false });
    const mail = await inbox.next();
    expect(mail).toMatchObject({ to: 'zoe@example.org', subject: 'Confirm your email for Roomcast' });
    expect(mail.text).toContain('Hello Zoe');
    const token = tokenIn(mail.text, '/confirm-email')!;
    expect(token).toBeDefined();

    const socket = await zoe.socket();
    const updated = new Promise<{ user: { emailConfirmed: boolean } }>((resolve) => socket.once('session:updated', resolve));
    // The link works from any browser, signed in or not.
    const confirmed = await new Client(app.url).call('POST', '/api/auth/confirm-email', { token });
    expect(confirmed).toMatchObject({ status: 200, json: { user: { email: 'zoe@example.org', emailConfirmed: true } } });
    expect((await updated).user.emailConfirmed).toBe(true);
    expect((await zoe.call('GET', '/api/auth/me')).json.user.emailConfirmed).toBe(true);
    socket.close();

    const again = await zoe.call('POST', '/api/auth/confirm-email', { token });
    expect(again).toMatchObject({ status: 410, json: { error: { code: 'link_invalid', message: expect.stringContaining('already used') } } });
    expect((await zoe.call('POST', '/api/auth/confirm-email', { token: 'A'.repeat(43) })).json.error).toMatchObject({ code: 'link_invalid', message: expect.stringContaining('not valid') });
    expect((await zoe.call('POST', '/api/auth/confirm-email', { token: 'short' })).json.error.code).toBe('bad_request');
    expect((await zoe.call('POST', '/api/auth/confirm-email/resend')).json.error.code).toBe('conflict');
  });

  it('a resent link replaces the older one', async () => {
    const ann = new Client(app.url);
    await ann.call('POST', '/api/auth/signup', { email: 'ann@example.org', password: 'ann asks twice', displayName: 'Ann' });
    const first = tokenIn((await inbox.next()).text, '/confirm-email')!;
    expect((await ann.call('POST', '/api/auth/confirm-email/resend')).status).toBe(202);
    const second = tokenIn((await inbox.next()).text, '/confirm-email')!;
    expect((await ann.call('POST', '/api/auth/confirm-email', { token: first })).json.error.message).toContain('newer one');
    expect((await ann.call('POST', '/api/auth/confirm-email', { token: second })).status).toBe(200);
  });
});

describe('resetting a password', () => {
  const creds = { email: 'max@example.org', password: 'max forgot this one', displayName: 'Max' };
  let max: Client;
  beforeAll(async () => {
    max = new Client(app.url);
    await max.call('POST', '/api/auth/signup', creds);
    await inbox.next();
  });

  it('answers the same for a stranger’s address and sends nothing; a known one gets a single-use link that signs out everywhere', async () => {
    const stranger = await new Client(app.url).call('POST', '/api/auth/password-reset', { email: 'nobody@example.org' });
    const known = await new Client(app.url).call('POST', '/api/auth/password-reset', { email: 'MAX@example.org' });
    expect([stranger.status, known.status]).toEqual([202, 202]);
    expect(stranger.json).toEqual(known.json);
    const mail = await inbox.next();
    expect(mail).toMatchObject({ to: 'max@example.org', subject: 'Reset your Roomcast password' });
    expect(inbox.queued).toBe(0);
    const token = tokenIn(mail.text, '/reset-password')!;

    // A weak choice is refused before the link is spent.
    expect((await new Client(app.url).call('POST', '/api/auth/password-reset/complete', { token, password: 'short' })).json.error.code).toBe('weak_password');
    const socket = await max.socket();
    const ended = new Promise<{ reason: string }>((resolve) => socket.once('session:ended', resolve));
    expect((await new Client(app.url).call('POST', '/api/auth/password-reset/complete', { token, password: 'a brand new phrase' })).status).toBe(204);
    expect(await ended).toEqual({ reason: 'password changed' });
    expect((await max.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await new Client(app.url).call('POST', '/api/auth/signin', { email: creds.email, password: creds.password })).json.error.code).toBe('invalid_credentials');
    const signedIn = await new Client(app.url).call('POST', '/api/auth/signin', { email: creds.email, password: 'a brand new phrase' });
    // Following the link proved the address, too.
    expect(signedIn.json.user).toMatchObject({ emailConfirmed: true });

    const reuse = await new Client(app.url).call('POST', '/api/auth/password-reset/complete', { token, password: 'yet another phrase' });
    expect(reuse).toMatchObject({ status: 410, json: { error: { code: 'link_invalid', message: expect.stringContaining('already used') } } });
  });

  it('a link past its hour is refused as expired', async () => {
    expect((await new Client(app.url).call('POST', '/api/auth/password-reset', { email: creds.email })).status).toBe(202);
    const token = tokenIn((await inbox.next()).text, '/reset-password')!;
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61 * 60_000);
    const late = await new Client(app.url).call('POST', '/api/auth/password-reset/complete', { token, password: 'too late for this' });
    expect(late.json.error).toMatchObject({ code: 'link_invalid', message: expect.stringContaining('expired') });
  });

  it('asking too often for one address is refused with the wait', async () => {
    const asks = [];
    for (let i = 0; i < 4; i++) asks.push(await new Client(app.url).call('POST', '/api/auth/password-reset', { email: 'ida@example.org' }));
    expect(asks.slice(0, 3).map((a) => a.status)).toEqual([202, 202, 202]);
    expect(asks[3]!.json.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/for this address; try again in \d+ minutes/) });
  });
});

describe('the development mailbox and REQUIRE_EMAIL_CONFIRMATION', () => {
  it('keeps messages for the administrator; an unconfirmed account gets no session and cannot sign in until it confirms', async () => {
    const local = await startTestApp({ REQUIRE_EMAIL_CONFIRMATION: 'true' });
    try {
      const admin = new Client(local.url);
      // The first account administers and is exempt: it is the one who can read the mailbox.
      const root = await admin.call('POST', '/api/auth/signup', { email: 'op@example.org', password: 'operator of this one', displayName: 'Op' }, undefined, { origin: local.url });
      expect(root.json.confirmationRequired).toBeUndefined();
      const lea = new Client(local.url);
      const signup = await lea.call('POST', '/api/auth/signup', { email: 'lea@example.org', password: 'lea waits for mail', displayName: 'Lea' }, undefined, { origin: local.url });
      expect(signup).toMatchObject({ status: 201, json: { confirmationRequired: true, user: { emailConfirmed: false } } });
      expect(lea.cookie).toBe('');
      const refused = await lea.call('POST', '/api/auth/signin', { email: 'lea@example.org', password: 'lea waits for mail' });
      expect(refused.json.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('confirm your email') });

      expect((await lea.call('GET', '/api/admin/mailbox')).status).toBe(401);
      const { messages } = (await admin.call('GET', '/api/admin/mailbox')).json;
      expect(messages.map((m: ReceivedMail) => m.to)).toEqual(['lea@example.org', 'op@example.org']);
      // Links lead to the origin the browser used, since PUBLIC_URL is unset.
      const token = new RegExp(`${local.url}/confirm-email\\?token=([A-Za-z0-9_-]{43})`).exec(messages[0].text)?.[1];
      expect((await lea.call('POST', '/api/auth/confirm-email', { token })).status).toBe(200);
      expect((await lea.call('POST', '/api/auth/signin', { email: 'lea@example.org', password: 'lea waits for mail' })).status).toBe(200);
      // Without PUBLIC_URL a request that is not from a browser page cannot say where links lead.
      expect((await lea.call('POST', '/api/auth/password-reset', { email: 'lea@example.org' })).json.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('PUBLIC_URL') });
    } finally {
      await local.cleanup();
    }
  });
});
