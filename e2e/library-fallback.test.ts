import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLibrary } from '@roomcast/desktop-agent/testing';
import { startAgentProcess, type RunningAgentProcess } from './harness/agent-process.js';
import { openParticipant, type Participant } from './harness/browser.js';
import { startCoturn, type RunningCoturn } from './harness/coturn.js';
import { elementPeaks, shareNear } from './harness/element-tone.js';
import { signUp } from './harness/flows.js';
import { createAgentToken, openLibrary, playTrack } from './harness/library-flows.js';
import { createTopology, isRoot, listening, NAMESPACE_RANGE, PUBLIC_IP, type Topology } from './harness/netns.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';

/**
 * The library's fallback ladder where direct paths really are blocked: the browser in namespace
 * A, the agent (a real `roomcast-agent start` process) in B, signaling and coturn in T. First it
 * plays through TURN; with TURN blocked too, through the server relay. The page names the rung.
 */
const CONNECT_TIMEOUT_MS = 6_000;

if (!isRoot()) {
  console.warn('\n\n!!! SKIPPING e2e/library-fallback.test.ts: network namespaces need root (CAP_NET_ADMIN). CI runs as root. !!!\n\n');
}

describe.skipIf(!isRoot())('my library across blocked networks', () => {
  let net: Topology;
  let turn: RunningCoturn;
  let server: RunningRoomcast;
  let lib: Awaited<ReturnType<typeof makeLibrary>>;
  let agent: RunningAgentProcess;
  let person: Participant;
  let scratch: string;

  beforeAll(async () => {
    net = createTopology();
    lib = await makeLibrary(12);
    scratch = mkdtempSync(path.join(tmpdir(), 'roomcast-lib-fallback-'));
    turn = await startCoturn({
      listenIps: [PUBLIC_IP],
      port: 3478,
      allowPeers: NAMESPACE_RANGE, // test-only hole for this topology's own range
      prefix: net.prefix(net.t),
      ready: () => listening(net, net.t, 3478),
    });
    server = await startRoomcast({
      prefix: net.prefix(net.t),
      host: PUBLIC_IP,
      env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret, ICE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), SFU_PORT: '40000' },
    });
    person = await openParticipant({ executablePath: net.chromium(net.a), extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${server.url}`] });
    await signUp(person.page, server.url, { email: 'owner@example.org', password: 'long enough password', name: 'Owner' });
    const { token } = await createAgentToken(person.page, 'Music PC');
    agent = startAgentProcess({ server: server.url, token, folders: [lib.dir], prefix: net.prefix(net.b), configDir: scratch });
    await agent.waitForLine(/^connected to /);
  });

  afterAll(async () => {
    await person?.close();
    await agent?.stop();
    await server?.stop();
    await turn?.stop();
    net?.teardown();
    await lib?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function openAndPlay(page: Page, title: string, artist: string, album: string): Promise<{ rung: string; peaks: number[] }> {
    const rung = await openLibrary(page, server.url, 'Music PC', { timeoutMs: CONNECT_TIMEOUT_MS + 15_000 });
    await page.getByRole('button', { name: artist }).click();
    await page.getByRole('button', { name: album }).click();
    await playTrack(page, title);
    return { rung, peaks: await elementPeaks(page, '[data-testid="library-audio"]', 12) };
  }

  it('direct blocked: plays through TURN, and the page says TURN relay', async () => {
    const { rung, peaks } = await openAndPlay(person.page, 'Second', 'Ada Tones', 'Sine Works');
    expect(rung).toBe('relay-udp');
    expect(await person.page.getByTestId('library-rung').textContent()).toBe('TURN relay (UDP)');
    expect(shareNear(peaks, 550), `peaks ${peaks.join(',')}`).toBeGreaterThan(0.7);
  });

  it('TURN blocked too: after the connect timeout it plays through the server relay, and says so', async () => {
    net.blockPort(net.a, 3478);
    net.blockPort(net.b, 3478);
    const { rung, peaks } = await openAndPlay(person.page, 'Flac Hum', 'Bob Hertz', 'Lossless');
    expect(rung).toBe('server');
    expect(await person.page.getByTestId('library-link-message').textContent()).toMatch(/server relay/);
    expect(shareNear(peaks, 660), `peaks ${peaks.join(',')}`).toBeGreaterThan(0.7);
  });
});
