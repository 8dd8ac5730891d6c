import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchShared, newPerson } from './harness/browser.js';
import { enterParty, guestIn, pairwiseDriftMs, partyCommand, sampleVideo, startParty } from './harness/party.js';
import { startPartyServer, type PartyServer } from './harness/party-server.js';
import type { RunningRoomcast } from './harness/roomcast.js';

/**
 * The party player's per-viewer choices: subtitles, quality (switched at the party's position,
 * so the viewer stays in sync) and seek-bar previews from the transcoder's sprite.
 */
let party: PartyServer;
let server: RunningRoomcast;
let browser: Browser;
let host: Page;
let bea: Page;
let videoId: string;

beforeAll(async () => {
  [party, browser] = await Promise.all([startPartyServer(), launchShared()]);
  server = party.server;
  [host, bea] = await Promise.all([newPerson(browser), newPerson(browser)]);
  const hostId = await guestIn(host, server.url, 'Host');
  await guestIn(bea, server.url, 'Bea');
  videoId = await party.video(hostId, { title: 'Two qualities', seconds: 30, player: true });
});
afterAll(async () => {
  await browser?.close();
  await party?.stop();
});

const source = (page: Page) => page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.currentSrc);
const subtitleModes = (page: Page) =>
  page.evaluate(() => Array.from(document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.textTracks).map((t) => t.mode));

describe('the party player', () => {
  it('lets each viewer pick subtitles and quality (staying in sync) and previews frames on the seek bar', async () => {
    const roomId = await startParty(host, videoId);
    await enterParty(host, server.url, roomId);
    await enterParty(bea, server.url, roomId);
    await partyCommand(host, { action: 'play' });

    // Subtitles: Bea's only.
    await bea.getByTestId('party-subtitles').selectOption({ label: 'English' });
    await bea.waitForFunction(() => {
      const track = document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.textTracks[0];
      return track?.mode === 'showing' && (track.activeCues?.length ?? 0) > 0 && (track.activeCues![0] as VTTCue).text === 'Hello, party';
    });
    expect(await subtitleModes(host)).toEqual(['disabled']);

    // Quality: Bea's element reloads the 90p file and lands back on the party's position.
    expect(await source(bea)).toMatch(/\/180\.mp4$/);
    await bea.getByTestId('party-quality').selectOption({ label: '90p' });
    await bea.waitForFunction(() => /\/90\.mp4$/.test(document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.currentSrc));
    await bea.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!;
      return !v.paused && v.currentTime > 1 && v.readyState >= 3;
    });
    const deadline = Date.now() + 5_000;
    let drift = Infinity;
    while (Date.now() < deadline && drift > 100) drift = pairwiseDriftMs([await sampleVideo(host), await sampleVideo(bea)])[0]!;
    expect(drift).toBeLessThanOrEqual(100);
    console.log(`[party-player] after the quality switch: ${drift.toFixed(1)} ms from the host`);
    expect(await source(host)).toMatch(/\/180\.mp4$/);
    expect(await subtitleModes(bea)).toEqual(['showing']);

    // Previews: over the middle of the host's seek bar, the sprite cell of about 15 s shows.
    const bar = (await host.getByTestId('party-seek').boundingBox())!;
    await host.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    const preview = host.getByTestId('party-seek-preview');
    await preview.waitFor();
    expect(Math.abs(Number(await preview.getAttribute('data-start')) - 15)).toBeLessThanOrEqual(2);
    const image = await preview.evaluate((el) => getComputedStyle(el).backgroundImage);
    expect(image).toMatch(/sprite\.jpg/);
    const sprite = await host.request.get(image.replace(/^url\("?|"?\)$/g, ''));
    expect(sprite.status()).toBe(200);
    expect(sprite.headers()['content-type']).toMatch(/image\/jpeg/);
  });

  it('gives each viewer volume, mute and full screen (buttons and keys) without touching the others, and fits a 360 px phone', async () => {
    const roomId = await startParty(host, videoId);
    await enterParty(host, server.url, roomId);
    await bea.setViewportSize({ width: 360, height: 740 });
    await enterParty(bea, server.url, roomId);
    const sound = (page: Page) => page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!;
      return { volume: v.volume, muted: v.muted };
    });

    await bea.getByTestId('party-volume').fill('0.4');
    await bea.waitForFunction(() => document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.volume === 0.4);
    // The page's keys, not the slider's own: nothing focused.
    await bea.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await bea.keyboard.press('ArrowDown');
    await bea.waitForFunction(() => Math.abs(document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.volume - 0.3) < 0.001);
    await bea.keyboard.press('KeyM');
    await bea.waitForFunction(() => document.querySelector<HTMLVideoElement>('[data-testid="party-video"]')!.muted);
    expect(await sound(host)).toEqual({ volume: 1, muted: false });
    // Remembered on this device: a reload keeps the volume.
    await enterParty(bea, server.url, roomId);
    expect((await sound(bea)).volume).toBeCloseTo(0.3, 5);

    await bea.getByTestId('party-fullscreen').click();
    await bea.waitForFunction(() => document.fullscreenElement?.classList.contains('party-stage') === true);
    await bea.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await bea.keyboard.press('KeyF');
    await bea.waitForFunction(() => document.fullscreenElement === null);

    // At 360 px nothing sticks out sideways: no horizontal scrolling.
    expect(await bea.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});
