import type { Page } from 'playwright-core';

/** UI flows shared by the end-to-end tests, written against the app's test ids. */

export async function signUp(page: Page, base: string, user: { email: string; password: string; name: string }): Promise<void> {
  await page.goto(`${base}/signup`);
  await page.getByTestId('signup-email').fill(user.email);
  await page.getByTestId('signup-password').fill(user.password);
  await page.getByTestId('signup-name').fill(user.name);
  await page.getByTestId('signup-submit').click();
  await page.waitForURL(`${base}/`);
}

export async function createRoom(page: Page, name: string): Promise<string> {
  await page.getByTestId('room-name').fill(name);
  await page.getByTestId('create-room').click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

export async function joinAsGuest(page: Page, base: string, roomId: string, name: string): Promise<void> {
  await page.goto(`${base}/r/${roomId}`);
  await page.getByTestId('guest-name').fill(name);
  await page.getByTestId('guest-join').click();
}

/** Resolves with the page's own peer id once its room status reads the given state. */
export async function waitRoomStatus(page: Page, status: string): Promise<string> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="room-status"]')?.textContent === want,
    status,
    { timeout: 30_000 },
  );
  // A page that failed before (or after) being in the room shows no peer id.
  const id = page.getByTestId('self-peer-id');
  return (await id.count()) ? (await id.textContent())!.trim() : '';
}

export const waitConnected = (page: Page): Promise<string> => waitRoomStatus(page, 'connected');

/** Waits until the page has a playing remote audio element for the peer. */
export async function waitForRemoteAudio(page: Page, peerId: string): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const el = document.querySelector<HTMLAudioElement>(`audio[data-testid="remote-audio"][data-peer-id="${id}"]`);
      const stream = el?.srcObject;
      return stream instanceof MediaStream && stream.getAudioTracks().some((t) => t.readyState === 'live' && !t.muted);
    },
    peerId,
    { timeout: 30_000 },
  );
}

/** The page's own peer id as it shows it (changes on every rejoin). */
export async function selfPeerId(page: Page): Promise<string> {
  return (await page.getByTestId('self-peer-id').textContent())!.trim();
}

/** Waits until the participant row for `peerId` carries `data-<attr>="<value>"`. */
export async function waitParticipant(page: Page, peerId: string, attr: string, value: string, timeoutMs = 5_000): Promise<void> {
  await page.waitForFunction(
    ({ peerId, attr, value }) =>
      document.querySelector(`[data-testid="participant"][data-peer-id="${peerId}"]`)?.getAttribute(`data-${attr}`) === value,
    { peerId, attr, value },
    { timeout: timeoutMs, polling: 20 },
  );
}

/** Waits until the page plays `count` remote audio tracks that have received media. */
export async function waitRemoteAudioCount(page: Page, count: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    (count) =>
      Array.from(document.querySelectorAll<HTMLAudioElement>('audio[data-testid="remote-audio"]')).filter((el) => {
        const stream = el.srcObject;
        return stream instanceof MediaStream && stream.getAudioTracks().some((t) => t.readyState === 'live' && !t.muted);
      }).length === count,
    count,
    { timeout: timeoutMs, polling: 20 },
  );
}
