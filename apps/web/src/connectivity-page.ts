import { IceConfigResponse, SelfTestResponse } from '@roomcast/shared';
import { connectWatchdog, couldNotConnectMessage, orderIceServers, reportLink, rungFromStats } from './media/connectivity';
import './styles.css';

/**
 * The connectivity page: the relay self-test, and a plain RTCPeerConnection link test. The link
 * test is signalled by whoever drives the page (`window.p2p`: offer → answer → accept, and
 * candidates and ICE-restart offers/answers through `window.roomcastSignal` → `p2p.onSignal`),
 * so it needs no signaling channel of its own.
 */

const $ = (id: string) => document.getElementById(id)!;

async function api<T>(path: string, schema: { parse: (v: unknown) => T }): Promise<T> {
  let res = await fetch(path, { credentials: 'same-origin' });
  if (res.status === 401) {
    // TURN credentials are per user: a visitor without a session becomes a guest.
    await fetch('/api/auth/guest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Connectivity test' }) });
    res = await fetch(path, { credentials: 'same-origin' });
  }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return schema.parse(await res.json());
}

async function runSelfTest(): Promise<void> {
  $('selftest-summary').textContent = 'Testing…';
  const result = await api('/api/connectivity/self-test', SelfTestResponse);
  const body = $('selftest-results');
  body.replaceChildren(
    ...result.results.map((r) => {
      const row = document.createElement('tr');
      row.dataset['testid'] = 'selftest-row';
      row.dataset['ok'] = String(r.ok);
      for (const text of [r.url, r.ok ? 'ok' : 'failed', r.ok ? `${r.rttMs} ms` : (r.error ?? '')]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
  $('selftest-summary').textContent = !result.configured ? 'No relay server is configured.' : result.ok ? 'All relays work.' : 'Some relays failed.';
}

interface LinkOptions {
  audio?: boolean;
  /** Relay candidates only (iceTransportPolicy 'relay'): measures the relay even where direct works. */
  relayOnly?: boolean;
  /** Keep only TURN URLs of this transport (`udp`, `tcp`; `tls` means `turns:`). */
  turnTransport?: 'udp' | 'tcp' | 'tls';
}

type SignalMessage = { candidate: RTCIceCandidateInit } | { description: RTCSessionDescriptionInit };

/** Grace for a `disconnected` link to recover on its own before restarting ICE. */
const RESTART_GRACE_MS = 2_000;

const transportOf = (url: string) => (url.startsWith('turns:') ? 'tls' : /[?&]transport=tcp\b/i.test(url) ? 'tcp' : 'udp');

/** One peer link, driven through window.p2p. */
class PeerLink {
  pc: RTCPeerConnection | null = null;
  channel: RTCDataChannel | null = null;
  received: string[] = [];
  candidateErrors = 0;
  startedAt = 0;
  /** When the RTCPeerConnection was created: setup time = connected − openedAt. */
  openedAt = 0;
  bytesReceived = 0;
  firstByteAt = 0;
  lastByteAt = 0;
  /** ICE restarts so far (the offerer counts them). */
  restarts = 0;
  #offerer = false;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #cancelWatchdog = () => {};
  #usedTurn = false;
  #config: IceConfigResponse | null = null;

  async #open(options: LinkOptions): Promise<RTCPeerConnection> {
    this.#config = await api('/api/ice-servers', IceConfigResponse);
    const iceServers = orderIceServers(this.#config.iceServers)
      .map((server) => ({ ...server, urls: (server.urls as string[]).filter((u) => !options.turnTransport || transportOf(u) === options.turnTransport) }))
      .filter((server) => server.urls.length > 0);
    this.#usedTurn = iceServers.length > 0;
    this.openedAt = performance.now();
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: options.relayOnly ? 'relay' : 'all' });
    this.pc = pc;
    pc.addEventListener('icecandidateerror', () => this.candidateErrors++);
    // Trickled at once: waiting for gathering to complete can take tens of seconds where a
    // transport is blocked (the browser waits out its TURN/UDP retries).
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate) this.#signal({ candidate: e.candidate.toJSON() });
    });
    pc.addEventListener('connectionstatechange', () => void this.#onState());
    pc.addEventListener('datachannel', (e) => this.#wireChannel(e.channel));
    pc.addEventListener('track', (e) => {
      const el = $('remote-audio') as HTMLAudioElement;
      el.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void el.play().catch(() => undefined);
    });
    if (options.audio) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getAudioTracks()) pc.addTrack(track, stream);
    }
    this.#show('connecting', '');
    return pc;
  }

  #wireChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    // Attached at once: messages that arrive before a later listener would be lost.
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) {
        this.firstByteAt ||= performance.now();
        this.lastByteAt = performance.now();
        this.bytesReceived += e.data.byteLength;
        return;
      }
      this.received.push(String(e.data));
      $('dc-received').textContent = String(this.received.length);
    };
  }

  /** Candidates that arrive before the remote description wait here. */
  #early: RTCIceCandidateInit[] = [];

  async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.pc?.remoteDescription) this.#early.push(candidate);
    else await this.pc.addIceCandidate(candidate);
    // Checks can beat the far side's trickled candidate: the pair then shows a peer-reflexive
    // remote until the candidate arrives, so the rung is read again when it does.
    if (this.pc?.connectionState === 'connected') await this.#showRung();
  }

  async #showRung(): Promise<void> {
    const pc = this.pc!;
    const rung = rungFromStats((await pc.getStats()) as unknown as Map<string, Record<string, unknown>>);
    $('link-rung').textContent = rung ?? 'unknown';
    reportLink('peer', { rung });
  }

  async #flushEarly(): Promise<void> {
    for (const c of this.#early.splice(0)) await this.pc!.addIceCandidate(c);
  }

  /** Starts the connect timeout: a link that never connects must say so, not spin forever. */
  #watch(): void {
    // One watchdog per link: a restart replaces the previous attempt's, never leaks it.
    this.#cancelWatchdog();
    this.startedAt = performance.now();
    const timeout = this.#config?.connectTimeoutMs ?? 15_000;
    this.#cancelWatchdog = connectWatchdog(timeout, () => this.pc?.connectionState === 'connected', () => {
      this.pc?.close();
      this.#show('could not connect', couldNotConnectMessage(this.candidateErrors, this.#usedTurn));
    });
  }

  #signal(message: SignalMessage): void {
    (window as unknown as { roomcastSignal?: (m: SignalMessage) => void }).roomcastSignal?.(message);
  }

  /** What the other page sent: a trickled candidate, or an ICE-restart offer or answer. */
  async onSignal(message: SignalMessage): Promise<void> {
    const pc = this.pc;
    if ('candidate' in message) return this.addCandidate(message.candidate);
    if (!pc) return;
    await pc.setRemoteDescription(message.description);
    if (message.description.type === 'offer') {
      await pc.setLocalDescription(await pc.createAnswer());
      this.#signal({ description: { type: 'answer', sdp: pc.localDescription!.sdp } });
    }
  }

  /**
   * ICE restart (the offerer drives it): fresh candidates — over whatever path still works —
   * under new ICE credentials, while DTLS, the data channel and the tracks carry on.
   */
  async #restartIce(): Promise<void> {
    const pc = this.pc;
    if (!pc || !this.#offerer || pc.connectionState === 'connected' || pc.connectionState === 'closed') return;
    // A restart already in flight (disconnected, then failed) must not be answered by a second offer.
    if (pc.signalingState !== 'stable') return;
    this.restarts++;
    this.#show('reconnecting', 'The link failed; restarting ICE…');
    pc.restartIce();
    await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
    this.#signal({ description: { type: 'offer', sdp: pc.localDescription!.sdp } });
    this.#watch();
  }

  async #onState(): Promise<void> {
    const pc = this.pc!;
    const state = pc.connectionState;
    clearTimeout(this.#restartTimer);
    if (state === 'connected') {
      this.#cancelWatchdog();
      reportLink('peer', { connectMs: Math.round(performance.now() - this.openedAt) });
      await this.#showRung();
      this.#show('connected', '');
    } else if (state === 'failed') {
      await this.#restartIce();
    } else if (state === 'disconnected') {
      // A brief loss often heals by itself; restart only if it has not within the grace.
      this.#show('reconnecting', 'The link dropped; waiting for it to recover…');
      this.#restartTimer = setTimeout(() => void this.#restartIce(), RESTART_GRACE_MS);
    } else reportLink('peer', { state });
  }

  #show(state: string, message: string): void {
    $('link-state').textContent = state;
    $('link-message').textContent = message;
    reportLink('peer', { state });
  }

  async offer(options: LinkOptions = {}): Promise<string> {
    this.#offerer = true;
    const pc = await this.#open(options);
    this.#wireChannel(pc.createDataChannel('test'));
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription!.sdp;
  }

  async answer(sdp: string, options: LinkOptions = {}): Promise<string> {
    const pc = await this.#open(options);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await this.#flushEarly();
    await pc.setLocalDescription(await pc.createAnswer());
    this.#watch();
    return pc.localDescription!.sdp;
  }

  async accept(sdp: string): Promise<void> {
    await this.pc!.setRemoteDescription({ type: 'answer', sdp });
    await this.#flushEarly();
    this.#watch();
  }

  send(text: string): void {
    this.channel!.send(text);
  }

  /** Sends `total` bytes in `chunk`-sized messages, pacing on bufferedAmount (benchmarks). */
  async sendBulk(total: number, chunk = 64 * 1024): Promise<void> {
    const channel = this.channel!;
    const payload = new Uint8Array(chunk);
    channel.bufferedAmountLowThreshold = 1 << 20;
    for (let sent = 0; sent < total; sent += chunk) {
      if (channel.bufferedAmount > 4 << 20) await new Promise((r) => channel.addEventListener('bufferedamountlow', r, { once: true }));
      channel.send(payload.subarray(0, Math.min(chunk, total - sent)));
    }
  }

  close(): void {
    this.#cancelWatchdog();
    this.pc?.close();
  }
}

const link = new PeerLink();
(window as unknown as { p2p: PeerLink }).p2p = link;
$('selftest-run').addEventListener('click', () => {
  runSelfTest().catch((error: unknown) => ($('selftest-summary').textContent = `The self-test could not run: ${String(error)}`));
});
