import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openParticipant, type Participant } from './harness/browser.js';
import { startCoturn, type CoturnOptions, type RunningCoturn } from './harness/coturn.js';
import { createRoom, joinAsGuest, selfPeerId, signUp, waitConnected, waitForRemoteAudio } from './harness/flows.js';
import { canConnect, createTopology, isRoot, listening, NAMESPACE_RANGE, PUBLIC_IP, type Topology } from './harness/netns.js';
import { openLinkPage, openLinkPages, signInAsGuest, selectedPair, signalLink, waitLinkRung, waitLinkState } from './harness/p2p.js';
import { startRoomcast, type RunningRoomcast } from './harness/roomcast.js';
import { detectTone } from './harness/tone.js';
import { watchTones } from './harness/tone-watch.js';

/**
 * TURN as the relay of last resort, proven where direct paths are blocked: browsers A and B
 * each in their own network namespace, reaching only T, which runs signaling, the SFU and coturn.
 */
const CONNECT_TIMEOUT_MS = 6_000;
const SFU_PORT = 40_000;

const asGuest = async (page: Page, base: string) => expect(await signInAsGuest(page, base), 'guest sign-in').toBe(201);

/** The page's own view of whether it has a session (HTTP status of /api/auth/me). */
const meStatus = (page: Page) => page.evaluate(async () => (await fetch('/api/auth/me')).status);

if (!isRoot()) {
  console.warn('\n\n!!! SKIPPING e2e/turn-relay.test.ts: network namespaces need root (CAP_NET_ADMIN). CI runs as root. !!!\n\n');
}

describe.skipIf(!isRoot())('TURN relay between namespaces', () => {
  let net: Topology;
  let turn: RunningCoturn;
  let server: RunningRoomcast;
  const browsers: Participant[] = [];
  const children: ChildProcess[] = [];

  const open = async (ns: string, toneHz?: number, base = server.url, extraArgs: string[] = []) => {
    const p = await openParticipant({
      toneHz,
      executablePath: net.chromium(ns),
      extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${base}`, ...extraArgs],
    });
    browsers.push(p);
    return p;
  };

  const coturnOptions = (): CoturnOptions => ({
    listenIps: [PUBLIC_IP],
    port: 3478,
    allowPeers: NAMESPACE_RANGE, // test-only hole for this topology's own range
    prefix: net.prefix(net.t),
    tlsPort: 5349,
    ready: () => listening(net, net.t, 3478) && listening(net, net.t, 5349, ['tcp']),
  });

  beforeAll(async () => {
    net = createTopology();
    turn = await startCoturn(coturnOptions());
    server = await startRoomcast({
      prefix: net.prefix(net.t),
      host: PUBLIC_IP,
      env: {
        TURN_URLS: turn.urls.join(','),
        TURN_SECRET: turn.secret,
        ICE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        SFU_PORT: String(SFU_PORT),
        // The self-test's TLS probe must trust the test's throwaway certificate.
        NODE_EXTRA_CA_CERTS: `${turn.dir}/cert.pem`,
      },
    });
  });

  // Each test's browsers go with it: a call left running would keep loading the CPU (and the
  // relay) through every later test.
  const closeBrowsers = () => Promise.all(browsers.splice(0).map((b) => b.close()));
  afterEach(closeBrowsers);

  afterAll(async () => {
    await closeBrowsers();
    for (const c of children) c.kill('SIGKILL');
    await server?.stop();
    await turn?.stop();
    net?.teardown();
  });

  it('A and B reach T but not each other', async () => {
    const listener = spawn('ip', [...net.prefix(net.b).slice(1), process.execPath, '-e', `require('net').createServer((s) => s.end()).listen(5001, '${net.addr.b}')`]);
    children.push(listener);
    for (let i = 0; i < 50 && !listening(net, net.b, 5001, ['tcp']); i++) await new Promise((r) => setTimeout(r, 100));
    expect(canConnect(net, net.t, net.addr.b, 5001)).toBe(true);
    expect(canConnect(net, net.a, net.addr.b, 5001)).toBe(false);
    expect(canConnect(net, net.a, PUBLIC_IP, server.port)).toBe(true);
    listener.kill('SIGKILL');
  });

  it('the server runs the relay self-test at start and logs success for UDP, TCP and TLS; the page shows it', async () => {
    const line = await server.waitForLog((l) => l.msg === 'turn self-test passed' || l.msg === 'turn self-test failed');
    expect(line.msg, JSON.stringify(line.results)).toBe('turn self-test passed');
    const results = line.results as { url: string; ok: boolean; rttMs: number }[];
    expect(results.map((r) => r.url)).toEqual(turn.urls);
    for (const r of results) expect(r.rttMs).toBeGreaterThan(0);

    const a = await open(net.a);
    await openLinkPage(a.page, server.url);
    // Part of the app (its header, a way back); the visit asked for no account and made none.
    await a.page.locator('header.app-header').waitFor();
    await a.page.getByTestId('back').waitFor();
    await a.page.getByTestId('connectivity-signin').waitFor();
    expect(await a.page.getByTestId('selftest-run').isDisabled()).toBe(true);
    expect(await meStatus(a.page)).toBe(401);
    // A person chooses to continue as a guest, then runs the test.
    await a.page.getByTestId('guest-name').fill('Relay tester');
    await a.page.getByTestId('guest-join').click();
    await a.page.getByTestId('header-user').filter({ hasText: 'Relay tester' }).waitFor();
    await a.page.getByTestId('selftest-run').click();
    await a.page.getByTestId('selftest-summary').filter({ hasText: 'All relays work.' }).waitFor();
    expect(await a.page.locator('[data-testid="selftest-row"][data-ok="true"]').count()).toBe(turn.urls.length);
  });

  it('a relay that may not reach private addresses: the self-test says all relays failed and what to configure', async () => {
    // coturn's production deny list, without the test-only hole: every address here is private.
    const strict = await startCoturn({ listenIps: [PUBLIC_IP], port: 3480, prefix: net.prefix(net.t), ready: () => listening(net, net.t, 3480) });
    const refused = await startRoomcast({
      prefix: net.prefix(net.t),
      host: PUBLIC_IP,
      env: { TURN_URLS: strict.urls.join(','), TURN_SECRET: strict.secret, TURN_SELF_TEST: 'false', SFU_PORT: String(SFU_PORT + 30) },
    });
    try {
      const a = await open(net.a, undefined, refused.url);
      await asGuest(a.page, refused.url);
      await a.page.goto(`${refused.url}/connectivity`);
      await a.page.getByTestId('selftest-run').click();
      await a.page.getByTestId('selftest-summary').filter({ hasText: 'All relays failed.' }).waitFor();
      const rows = await a.page.getByTestId('selftest-row').allTextContents();
      expect(rows, rows.join('\n')).toHaveLength(strict.urls.length);
      for (const row of rows) expect(row).toMatch(/403 Forbidden IP/);
      const advice = await a.page.getByTestId('selftest-advice').allTextContents();
      expect(advice).toHaveLength(strict.urls.length);
      for (const text of advice) expect(text).toMatch(/refuses to reach a private address.*TURN_EXTERNAL_IP.*SFU_ANNOUNCED_ADDRESS/);
    } finally {
      await refused.stop();
      await strict.stop();
    }
  });

  it('a person starts the peer-link test with its button: this browser loops a link through the relay and data arrives', async () => {
    const a = await open(net.a);
    await asGuest(a.page, server.url);
    await a.page.goto(`${server.url}/connectivity`);
    expect(await a.page.getByTestId('link-relay-only').isChecked()).toBe(true);
    await a.page.getByTestId('link-start').click();
    await waitLinkState(a.page, 'connected');
    await waitLinkRung(a.page, /^relay-(udp|tcp)$/);
    await a.page.waitForFunction(() => document.querySelector('[data-testid="dc-received"]')?.textContent === '1');
  });

  it('a data channel and an audio track between A and B connect through TURN; B hears A’s tone', async () => {
    const a = await open(net.a, 440);
    const b = await open(net.b, 660);
    await Promise.all([asGuest(a.page, server.url), asGuest(b.page, server.url)]);
    await openLinkPages(a.page, b.page, server.url);
    await signalLink(a.page, b.page, { audio: true });
    await Promise.all([waitLinkState(a.page, 'connected'), waitLinkState(b.page, 'connected')]);

    const pair = await selectedPair(a.page);
    expect(pair.local === 'relay' || pair.remote === 'relay', JSON.stringify(pair)).toBe(true);
    // Both relay transports are offered; ICE nominates whichever pair checks first.
    await waitLinkRung(a.page, /^relay-(udp|tcp)$/);

    const sent = Array.from({ length: 20 }, (_, i) => `hello ${i}`);
    await a.page.evaluate((msgs) => msgs.forEach((m) => (window as unknown as { p2p: { send(m: string): void } }).p2p.send(m)), sent);
    await b.page.waitForFunction((n) => (window as unknown as { p2p: { received: string[] } }).p2p.received.length >= n, sent.length);
    expect(await b.page.evaluate(() => (window as unknown as { p2p: { received: string[] } }).p2p.received)).toEqual(sent);

    const heard = await detectTone(b.page, 'peer', 440);
    expect(heard.share, `B heard ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);
  });

  it('with TURN switched off the same link fails, and A shows “could not connect” within the timeout', async () => {
    const plain = await startRoomcast({
      prefix: net.prefix(net.t),
      host: PUBLIC_IP,
      env: { TURN_URLS: undefined, TURN_SECRET: undefined, ICE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), SFU_PORT: String(SFU_PORT + 10) },
    });
    try {
      const a = await open(net.a, 440, plain.url);
      const b = await open(net.b, 660, plain.url);
      await Promise.all([asGuest(a.page, plain.url), asGuest(b.page, plain.url)]);
      await openLinkPages(a.page, b.page, plain.url);
      await signalLink(a.page, b.page, { audio: true });
      const started = Date.now();
      await waitLinkState(a.page, 'could not connect', CONNECT_TIMEOUT_MS + 3_000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(CONNECT_TIMEOUT_MS + 3_000);
      expect(await a.page.getByTestId('link-message').textContent()).toMatch(/Could not connect: no direct path, and no relay server is configured/);
    } finally {
      await plain.stop();
    }
  });

  it('refused TURN credentials (signed with the wrong secret) show “could not connect” with the reason, not a spinner', async () => {
    const misconfigured = await startRoomcast({
      prefix: net.prefix(net.t),
      host: PUBLIC_IP,
      env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: 'not-the-coturn-secret', TURN_SELF_TEST: 'false', ICE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), SFU_PORT: String(SFU_PORT + 20) },
    });
    try {
      const a = await open(net.a, undefined, misconfigured.url);
      const b = await open(net.b, undefined, misconfigured.url);
      await Promise.all([asGuest(a.page, misconfigured.url), asGuest(b.page, misconfigured.url)]);
      await openLinkPages(a.page, b.page, misconfigured.url);
      // Relay only: with every relay refused there is no candidate at all, and the link would
      // sit in `new` forever without the watchdog.
      await signalLink(a.page, b.page, { relayOnly: true });
      const started = Date.now();
      await waitLinkState(a.page, 'could not connect', CONNECT_TIMEOUT_MS + 3_000);
      expect(Date.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS + 3_000);
      expect(await a.page.evaluate(() => (window as unknown as { p2p: { pc: RTCPeerConnection; candidateErrors: number } }).p2p.candidateErrors)).toBeGreaterThan(0);
      expect(await a.page.getByTestId('link-message').textContent()).toMatch(/refused our credentials/);
    } finally {
      await misconfigured.stop();
    }
  });

  it('a browser that cannot reach the SFU’s ports joins a voice room through TURN and is heard', async () => {
    net.blockPort(net.a, SFU_PORT);
    const host = await open(net.b, 660);
    await signUp(host.page, server.url, { email: 'host@example.org', password: 'relay of last resort', name: 'Host' });
    const roomId = await createRoom(host.page, 'Relayed room');
    const hostPeer = await waitConnected(host.page);

    const guest = await open(net.a, 440);
    await joinAsGuest(guest.page, server.url, roomId, 'Guest behind a firewall');
    const guestPeer = await waitConnected(guest.page);
    await guest.page.waitForFunction(() => document.querySelector('[data-testid="link-rung"][data-direction="send"]')?.getAttribute('data-rung') !== '');
    // Through TURN, over UDP or TCP: ICE nominates whichever relay pair checks first.
    expect(await guest.page.locator('[data-testid="link-rung"][data-direction="send"]').getAttribute('data-rung')).toMatch(/^relay-(udp|tcp)$/);
    await waitForRemoteAudio(host.page, guestPeer);
    const heard = await detectTone(host.page, guestPeer, 440);
    expect(heard.share, `host heard ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);
    await waitForRemoteAudio(guest.page, hostPeer);
    expect(await host.page.locator('[data-testid="link-rung"][data-direction="send"]').getAttribute('data-rung')).toBe('direct');
  });

  it('when the relay restarts mid-call, the link restarts ICE and recovers', async () => {
    const a = await open(net.a, 440);
    const b = await open(net.b, 660);
    await Promise.all([asGuest(a.page, server.url), asGuest(b.page, server.url)]);
    await openLinkPages(a.page, b.page, server.url);
    // UDP relays only: no spare TCP/TLS pairs for ICE to fall back on without a restart.
    await signalLink(a.page, b.page, { audio: true, relayOnly: true, turnTransport: 'udp' });
    await Promise.all([waitLinkState(a.page, 'connected'), waitLinkState(b.page, 'connected')]);
    // The data channel opens after the link connects (SCTP over DTLS): open it before the outage,
    // or its opening handshake, not the path, is what the test would wait on.
    const channelOpen = (page: Page) => page.waitForFunction(() => (window as unknown as { p2p: { channel?: RTCDataChannel } }).p2p.channel?.readyState === 'open');
    await Promise.all([channelOpen(a.page), channelOpen(b.page)]);
    // Every allocation dies with coturn; the same coturn (same secret, ports) comes back.
    await turn.stop();
    turn = await startCoturn({ ...coturnOptions(), secret: turn.secret });
    await waitLinkState(a.page, 'reconnecting', 30_000);
    await waitLinkState(a.page, 'connected', 60_000);
    expect(await a.page.evaluate(() => (window as unknown as { p2p: { restarts: number } }).p2p.restarts)).toBeGreaterThan(0);
    await waitLinkRung(a.page, 'relay-udp');
    // Same data channel, same DTLS session: only the path changed.
    await a.page.evaluate(() => (window as unknown as { p2p: { send(m: string): void } }).p2p.send('after the restart'));
    await b.page.waitForFunction(() => (window as unknown as { p2p: { received: string[] } }).p2p.received.includes('after the restart'));
  });

  it('a call that outlives TURN_CREDENTIAL_TTL, then restarts ICE, reconnects through TURN with fresh credentials', async () => {
    const ttlSeconds = 8;
    const sfuPort = SFU_PORT + 40;
    const shortLived = await startRoomcast({
      prefix: net.prefix(net.t),
      host: PUBLIC_IP,
      env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret, TURN_CREDENTIAL_TTL: String(ttlSeconds), TURN_SELF_TEST: 'false', ICE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), SFU_PORT: String(sfuPort) },
    });
    try {
      // The guest reaches the SFU only through the relay.
      net.blockPort(net.a, sfuPort);
      const host = await open(net.b, 660, shortLived.url);
      await signUp(host.page, shortLived.url, { email: 'long-call@example.org', password: 'calls outlive credentials', name: 'Host' });
      const roomId = await createRoom(host.page, 'Long call');
      await waitConnected(host.page);
      const guest = await open(net.a, 440, shortLived.url);
      const t0 = Date.now();
      const log: string[] = [];
      guest.page.on('console', (m) => log.push(`${Date.now() - t0} ${m.type()} ${m.text()}`));
      await guest.context.addInitScript(() => {
        const Native = RTCPeerConnection;
        window.RTCPeerConnection = class extends Native {
          constructor(config?: RTCConfiguration) {
            super(config);
            this.addEventListener('connectionstatechange', () => console.log(`[pc] ${this.connectionState}`));
            this.addEventListener('icecandidate', (e) => console.log(`[pc] candidate ${e.candidate?.candidate ?? 'end'}`));
          }
        };
      });
      await joinAsGuest(guest.page, shortLived.url, roomId, 'Long caller');
      const guestPeer = await waitConnected(guest.page);
      const relayed = () => guest.page.waitForFunction(() => /^relay-(udp|tcp)$/.test(document.querySelector('[data-testid="link-rung"][data-direction="send"]')?.getAttribute('data-rung') ?? ''), undefined, { timeout: 30_000 });
      await relayed();
      await waitForRemoteAudio(host.page, guestPeer);

      // A credential issued now expires after every one the guest was given at its join: once
      // the page's clock is past its embedded expiry, all of the guest's credentials are dead.
      const issued = await guest.page.evaluate(async () => (await (await fetch('/api/ice-servers')).json()) as { iceServers: { username: string }[] });
      const expiry = Number(issued.iceServers[0]!.username.split(':')[0]);
      await guest.page.waitForFunction((t) => Date.now() > t * 1000, expiry, { timeout: (ttlSeconds + 10) * 1000, polling: 250 });

      // What ICE servers the page hands its connections from now on (the restart's, if any), and
      // every status it shows (a brief one included).
      await guest.page.evaluate(() => {
        const given: string[] = [];
        const statuses: string[] = [];
        Object.assign(window, { iceUsernames: given, statuses });
        const status = document.querySelector('[data-testid="room-status"]')!;
        new MutationObserver(() => statuses.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
        const original = RTCPeerConnection.prototype.setConfiguration;
        RTCPeerConnection.prototype.setConfiguration = function (this: RTCPeerConnection, config?: RTCConfiguration) {
          for (const server of config?.iceServers ?? []) if (server.username) given.push(server.username);
          return original.call(this, config);
        };
      });
      // Restarting coturn drops every allocation: the guest's path goes down, and only new
      // allocations bring it back — which coturn grants only to unexpired credentials
      // (turn-security.test.ts). The guest must restart ICE in place, with new credentials.
      await turn.stop();
      turn = await startCoturn({ ...coturnOptions(), secret: turn.secret });
      const history = async () => `${await guest.page.evaluate(() => `${(window as unknown as { statuses: string[] }).statuses.join(' → ')}: ${document.querySelector('[data-testid="room-status-message"]')?.textContent}`)}\n${log.join('\n')}`;
      await guest.page
        .waitForFunction(() => (window as unknown as { statuses: string[] }).statuses.includes('reconnecting') && document.querySelector('[data-testid="room-status"]')?.textContent === 'connected', undefined, { timeout: 50_000 })
        .catch(async (error: unknown) => {
          throw new Error(`the guest did not reconnect (${await history()})`, { cause: error });
        });
      expect(await selfPeerId(guest.page), `same membership: an ICE restart, not a rejoin (${await history()})`).toBe(guestPeer);
      await relayed();
      const given = await guest.page.evaluate(() => (window as unknown as { iceUsernames: string[] }).iceUsernames);
      expect(given.length, 'the restart brought ICE servers').toBeGreaterThan(0);
      for (const username of given) expect(Number(username.split(':')[0]), 'credentials issued after the old ones expired').toBeGreaterThan(expiry);
      // The host hears the guest again (the jitter buffer may take a moment after the gap).
      const watch = await watchTones(host.page, [440]);
      const since = Date.now();
      await watch.waitFor(440, true, { timeoutMs: 15_000, frames: 10 });
      console.log(`[turn-relay] the host heard the guest again ${Date.now() - since} ms into listening`);
      await watch.stop();
    } finally {
      await shortLived.stop();
    }
    // Its own server start and the credentials' lifetime come on top of an ordinary call.
  }, 180_000);

  it('with UDP blocked in A’s namespace, A connects over TURN/TCP and says relay-tcp', async () => {
    net.blockUdp(net.a);
    const a = await open(net.a, 440);
    const b = await open(net.b, 660);
    await Promise.all([asGuest(a.page, server.url), asGuest(b.page, server.url)]);
    await openLinkPages(a.page, b.page, server.url);
    await signalLink(a.page, b.page, { audio: true });
    await Promise.all([waitLinkState(a.page, 'connected'), waitLinkState(b.page, 'connected')]);
    await waitLinkRung(a.page, 'relay-tcp');
    expect((await selectedPair(a.page)).relayProtocol).toBe('tcp');
    const heard = await detectTone(b.page, 'peer', 440);
    expect(heard.share, `B heard ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);
  });

  it('with UDP and TURN/TCP blocked too, A connects over TURN/TLS and says relay-tls', async () => {
    net.blockPort(net.a, 3478); // UDP is already blocked; now plain TURN over TCP as well
    const a = await open(net.a, 440, server.url, ['--ignore-certificate-errors']);
    const b = await open(net.b, 660);
    await Promise.all([asGuest(a.page, server.url), asGuest(b.page, server.url)]);
    await openLinkPages(a.page, b.page, server.url);
    await signalLink(a.page, b.page, { audio: true });
    await Promise.all([waitLinkState(a.page, 'connected'), waitLinkState(b.page, 'connected')]);
    await waitLinkRung(a.page, 'relay-tls');
    const heard = await detectTone(b.page, 'peer', 440);
    expect(heard.share, `B heard ${heard.peaks.join(',')}`).toBeGreaterThan(0.8);
  });
});
