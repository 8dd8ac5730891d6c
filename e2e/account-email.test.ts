import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpInbox } from '@roomcast/testkit';
import { openParticipant, type Participant } from './harness/browser.js';
import { signUp } from './harness/flows.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

// A person forgets their password: the whole loop through the pages, a real SMTP server and back.
let server: RunningRoomcast;
let inbox: SmtpInbox;
let person: Participant;
beforeAll(async () => {
  inbox = await SmtpInbox.start();
  server = await startRoomcast({ env: { SMTP_URL: inbox.url } });
  person = await openParticipant();
});
afterAll(async () => {
  await person?.close();
  await server?.stop();
  await inbox?.close();
});

const linkIn = (text: string, page: string) => new RegExp(`https?://\\S+${page}\\?token=[A-Za-z0-9_-]{43}`).exec(text)?.[0];

describe('email in the app', () => {
  it('a new account is asked to confirm its address; the emailed link confirms it and the banner goes', async () => {
    const { page } = person;
    // A display name that is markup shows as text and runs nothing.
    await signUp(page, server.url, { email: 'kim@example.org', password: 'kim keeps forgetting', name: '<img src=x onerror="window.pwned=1">' });
    await expect.poll(() => page.getByTestId('header-user').textContent()).toBe('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    await page.getByTestId('email-banner').waitFor();
    const mail = await inbox.next();
    expect(mail).toMatchObject({ to: 'kim@example.org', subject: 'Confirm your email for Roomcast' });
    const link = linkIn(mail.text, '/confirm-email')!;
    expect(link.startsWith(server.url)).toBe(true);
    await page.goto(link);
    await page.getByTestId('confirm-email-done').waitFor();
    await page.getByTestId('email-banner').waitFor({ state: 'detached' });
    // The same link a second time says it was used.
    await page.goto(link);
    expect(await page.getByTestId('confirm-email-failed').textContent()).toContain('already used');
  });

  it('forgot password: the emailed link sets a new one, the old sign-in ends, the new password works', async () => {
    const { page } = person;
    await page.goto(`${server.url}/signin`);
    await page.getByTestId('forgot-password').click();
    await page.getByTestId('reset-email').fill('kim@example.org');
    await page.getByTestId('reset-request-submit').click();
    await page.getByTestId('reset-requested').waitFor();
    const link = linkIn((await inbox.next()).text, '/reset-password')!;

    await page.goto(link);
    await page.getByTestId('reset-password').fill('short');
    await page.getByTestId('reset-submit').click();
    await page.locator('[data-testid="reset-password"][aria-invalid="true"]').waitFor();
    await page.getByTestId('reset-password').fill('a fresh memorable phrase');
    await page.getByTestId('reset-submit').click();
    await page.getByTestId('reset-done').waitFor();
    // This browser's sign-in ended with the reset.
    expect((await page.request.get(`${server.url}/api/auth/me`)).status()).toBe(401);

    await page.goto(`${server.url}/signin`);
    await page.getByTestId('signin-email').fill('kim@example.org');
    await page.getByTestId('signin-password').fill('a fresh memorable phrase');
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${server.url}/`);
    expect(await page.getByTestId('header-user').textContent()).toContain('<img');
    expect(person.cspViolations).toEqual([]);
  });

  it('the account page: rename, see this device, download the data; the admin page disables someone; then delete the account', async () => {
    const { page } = person;
    await page.goto(`${server.url}/account`);
    await page.getByTestId('account-name').fill('Kim');
    await page.getByTestId('account-name-save').click();
    await page.getByTestId('account-name-saved').waitFor();
    expect(await page.getByTestId('header-user').textContent()).toBe('Kim');
    expect(await page.getByTestId('account-session').filter({ hasText: 'this device' }).count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('account-export').click()]);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported.account).toMatchObject({ email: 'kim@example.org', displayName: 'Kim' });

    // Kim signed up first, so Kim administers: the admin page finds another account and disables it.
    await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'lou@example.org', password: 'lou is someone else', displayName: 'Lou' }) });
    await page.goto(`${server.url}/admin`);
    await page.getByTestId('admin-search').fill('LOU');
    await page.getByTestId('admin-search').press('Enter');
    const lou = page.getByTestId('admin-user').filter({ hasText: 'lou@example.org' });
    await lou.getByRole('button', { name: 'Disable' }).click();
    await lou.getByText('disabled', { exact: true }).waitFor();
    expect(await page.getByTestId('admin-user').count()).toBe(1);

    // The server part of the page: its figures, and the open rooms, one of which the admin closes.
    const created = await page.request.post(`${server.url}/api/rooms`, { data: { name: 'Closing soon' }, headers: { origin: server.url } });
    expect(created.status()).toBe(201);
    await page.getByTestId('admin-refresh').click();
    await expect.poll(() => page.getByTestId('stat-users').textContent()).toBe('2');
    expect(await page.getByTestId('admin-worker').count()).toBeGreaterThan(0);
    const room = page.getByTestId('admin-room').filter({ hasText: 'Closing soon' });
    await room.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await room.getByRole('button', { name: 'Close Closing soon' }).click();
    await room.waitFor({ state: 'detached' });
    expect(person.cspViolations).toEqual([]);

    await page.goto(`${server.url}/account`);
    await page.getByTestId('account-delete-password').fill('a fresh memorable phrase');
    await page.getByTestId('account-delete-sure').check();
    await page.getByTestId('account-delete').click();
    await page.waitForURL(`${server.url}/`);
    expect((await page.request.get(`${server.url}/api/auth/me`)).status()).toBe(401);
    const signIn = await page.request.post(`${server.url}/api/auth/signin`, { data: { email: 'kim@example.org', password: 'a fresh memorable phrase' }, headers: { origin: server.url } });
    expect(signIn.status()).toBe(401);
  });
});
