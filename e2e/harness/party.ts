import type { Page } from 'playwright-core';

/** Watch-party helpers for end-to-end tests and the sync benchmark. */

/** Signs the page in as a guest (from the page, as a person would) and answers its user id. */
export async function guestIn(page: Page, base: string, displayName: string): Promise<string> {
  await page.goto(`${base}/`);
  return page.evaluate(async (name) => {
    const res = await fetch('/api/auth/guest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: name }) });
    if (!res.ok) throw new Error(`guest sign-in: HTTP ${res.status}`);
    return ((await res.json()) as { user: { id: string } }).user.id;
  }, displayName);
}

/** Starts a party from the page's session; answers the room id. */
export async function startParty(page: Page, videoId: string, pin?: string): Promise<string> {
  return page.evaluate(
    async ({ videoId, pin }) => {
      const res = await fetch('/api/parties', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ videoId, ...(pin ? { pin } : {}) }) });
      if (res.status !== 201) throw new Error(`party: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { party: { roomId: string } }).party.roomId;
    },
    { videoId, pin },
  );
}

/** Opens the party and waits until the page is in and its video can play. */
export async function enterParty(page: Page, base: string, roomId: string): Promise<void> {
  await page.goto(`${base}/party/${roomId}`);
  await waitInParty(page);
}

export async function waitInParty(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="room-status"]')?.textContent === 'connected' && (document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')?.readyState ?? 0) >= 2,
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
}

export interface VideoSample {
  /** Local epoch ms (all contexts of one machine share the clock). */
  t: number;
  currentTime: number;
  paused: boolean;
  rate: number;
}

export function sampleVideo(page: Page): Promise<VideoSample> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!;
    return { t: performance.timeOrigin + performance.now(), currentTime: v.currentTime, paused: v.paused, rate: v.playbackRate };
  });
}

/**
 * Every pairwise distance (ms) between members' positions, each carried forward to one common
 * instant at its own element's rate: sampling pages one after another costs no accuracy.
 */
export function pairwiseDriftMs(samples: readonly VideoSample[]): number[] {
  const at = Math.max(...samples.map((s) => s.t));
  const pos = samples.map((s) => s.currentTime + (s.paused ? 0 : ((at - s.t) / 1000) * s.rate));
  const out: number[] = [];
  for (let i = 0; i < pos.length; i++) for (let j = i + 1; j < pos.length; j++) out.push(Math.abs(pos[i]! - pos[j]!) * 1000);
  return out;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

/** Runs a page's party command through the page's own room (as its controls do). */
export function partyCommand(page: Page, action: { action: 'play' } | { action: 'pause' } | { action: 'seek'; position: number } | { action: 'rate'; rate: number }): Promise<void> {
  return page.evaluate((a) => (window as unknown as { roomcastParty: { command(a: unknown): Promise<void> } }).roomcastParty.command(a), action);
}

/** The page's correction counters (rate nudges and seeks so far). */
export function syncCounters(page: Page): Promise<{ rateNudges: number; seeks: number } | null> {
  return page.evaluate(() => (window as unknown as { roomcastParty: { syncStats(): { rateNudges: number; seeks: number } | null } }).roomcastParty.syncStats());
}
