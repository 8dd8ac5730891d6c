import { IceConfigResponse, type LinkRung } from '@roomcast/shared';
import { ApiError } from '../api/errors';
import { apiRequest, checked } from '../api/http';
import { connectWatchdog, couldNotConnectMessage, DEFAULT_CONNECT_TIMEOUT_MS, orderIceServers, reportLink, rungFromStats, turnTransport } from './connectivity';

/**
 * A plain browser-to-browser link (data channel, optional audio) for the connectivity test.
 * Signalling is whoever drives it: `signal` carries trickled candidates and ICE-restart offers
 * and answers to the other end, which hands them to `onSignal`. The e2e tests drive one per
 * page (window.p2p); the page's own button drives two in one page, looped to each other.
 */

export interface LinkOptions {
  audio?: boolean;
  /** Relay candidates only (iceTransportPolicy 'relay'): measures the relay even where direct works. */
  relayOnly?: boolean;
  /** Keep only TURN URLs of this transport (`udp`, `tcp`; `tls` means `turns:`). */
  turnTransport?: 'udp' | 'tcp' | 'tls';
}

export type SignalMessage = { candidate: RTCIceCandidateInit } | { description: RTCSessionDescriptionInit };

export interface LinkView {
  state: string;
  message: string;
  rung: LinkRung | null;
  received: number;
  remoteStream: MediaStream | null;
}

/** Grace for a `disconnected` link to recover on its own before restarting ICE. */
const RESTART_GRACE_MS = 2_000;

export class PeerLink {
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
  view: LinkView = { state: 'idle', message: '', rung: null, received: 0, remoteStream: null };
  #listeners = new Set<() => void>();
  #offerer = false;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #cancelWatchdog = () => {};
  #usedTurn = false;
  #config: IceConfigResponse | null = null;
  /** Candidates that arrive before the remote description wait here. */
  #early: RTCIceCandidateInit[] = [];
  #channelOpened = () => {};
  /** Resolves once the data channel is open (never, if the link fails). */
  readonly channelOpen = new Promise<void>((resolve) => (this.#channelOpened = resolve));

  /** `name` is the link's name in window.roomcastStats.links(). */
  constructor(
    public signal: (message: SignalMessage) => void,
    private readonly name = 'peer',
  ) {}

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(patch: Partial<LinkView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of this.#listeners) listener();
  }

  async #open(options: LinkOptions): Promise<RTCPeerConnection> {
    try {
      this.#config = await checked(IceConfigResponse, apiRequest('GET', '/api/ice-servers'));
    } catch (error) {
      const message =
        error instanceof ApiError && error.code === 'unauthenticated'
          ? 'Sign in (or continue as a guest) first: relay credentials are issued to an account.'
          : `Could not get the relay configuration: ${error instanceof Error ? error.message : String(error)}`;
      this.#show('could not start', message);
      throw error;
    }
    const iceServers = orderIceServers(this.#config.iceServers)
      .map((server) => ({ ...server, urls: (server.urls as string[]).filter((u) => !options.turnTransport || turnTransport(u) === options.turnTransport) }))
      .filter((server) => server.urls.length > 0);
    this.#usedTurn = iceServers.length > 0;
    this.openedAt = performance.now();
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: options.relayOnly ? 'relay' : 'all' });
    this.pc = pc;
    pc.addEventListener('icecandidateerror', () => this.candidateErrors++);
    // Trickled at once: waiting for gathering to complete can take tens of seconds where a
    // transport is blocked (the browser waits out its TURN/UDP retries).
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate) this.signal({ candidate: e.candidate.toJSON() });
    });
    pc.addEventListener('connectionstatechange', () => void this.#onState());
    pc.addEventListener('datachannel', (e) => this.#wireChannel(e.channel));
    pc.addEventListener('track', (e) => this.#set({ remoteStream: e.streams[0] ?? new MediaStream([e.track]) }));
    if (options.audio) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getAudioTracks()) pc.addTrack(track, stream);
    }
    this.#show('connecting', '');
    return pc;
  }

  #wireChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    if (channel.readyState === 'open') this.#channelOpened();
    else channel.addEventListener('open', () => this.#channelOpened(), { once: true });
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
      this.#set({ received: this.received.length });
    };
  }

  async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.pc?.remoteDescription) this.#early.push(candidate);
    else await this.pc.addIceCandidate(candidate);
    // Checks can beat the far side's trickled candidate: the pair then shows a peer-reflexive
    // remote until the candidate arrives, so the rung is read again when it does.
    if (this.pc?.connectionState === 'connected') await this.#showRung();
  }

  async #showRung(): Promise<void> {
    const rung = rungFromStats((await this.pc!.getStats()) as unknown as Map<string, Record<string, unknown>>);
    this.#set({ rung });
    reportLink(this.name, { rung });
  }

  async #flushEarly(): Promise<void> {
    for (const c of this.#early.splice(0)) await this.pc!.addIceCandidate(c);
  }

  /** Starts the connect timeout: a link that never connects must say so, not spin forever. */
  #watch(): void {
    // One watchdog per link: a restart replaces the previous attempt's, never leaks it.
    this.#cancelWatchdog();
    this.startedAt = performance.now();
    const timeout = this.#config?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#cancelWatchdog = connectWatchdog(timeout, () => this.pc?.connectionState === 'connected', () => {
      this.pc?.close();
      this.#show('could not connect', couldNotConnectMessage(this.candidateErrors, this.#usedTurn));
    });
  }

  /** What the other end sent: a trickled candidate, or an ICE-restart offer or answer. */
  async onSignal(message: SignalMessage): Promise<void> {
    const pc = this.pc;
    if ('candidate' in message) return this.addCandidate(message.candidate);
    if (!pc) return;
    await pc.setRemoteDescription(message.description);
    if (message.description.type === 'offer') {
      await pc.setLocalDescription(await pc.createAnswer());
      this.signal({ description: { type: 'answer', sdp: pc.localDescription!.sdp } });
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
    this.signal({ description: { type: 'offer', sdp: pc.localDescription!.sdp } });
    this.#watch();
  }

  async #onState(): Promise<void> {
    const pc = this.pc!;
    const state = pc.connectionState;
    clearTimeout(this.#restartTimer);
    if (state === 'connected') {
      this.#cancelWatchdog();
      reportLink(this.name, { connectMs: Math.round(performance.now() - this.openedAt) });
      await this.#showRung();
      this.#show('connected', '');
    } else if (state === 'failed') {
      await this.#restartIce();
    } else if (state === 'disconnected') {
      // A brief loss often heals by itself; restart only if it has not within the grace.
      this.#show('reconnecting', 'The link dropped; waiting for it to recover…');
      this.#restartTimer = setTimeout(() => void this.#restartIce(), RESTART_GRACE_MS);
    } else reportLink(this.name, { state });
  }

  #show(state: string, message: string): void {
    this.#set({ state, message });
    reportLink(this.name, { state });
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
    clearTimeout(this.#restartTimer);
    this.pc?.close();
  }
}

/**
 * The page's own test, started by a person: two links in this page, looped to each other, so
 * it proves what this browser can reach (through the relay when `relayOnly`); once the data
 * channel opens, `b` sends one message back, so `a` shows data arriving, not only ICE.
 */
export async function loopbackTest(a: PeerLink, b: PeerLink, options: LinkOptions): Promise<void> {
  a.signal = (m) => void b.onSignal(m).catch(() => undefined);
  b.signal = (m) => void a.onSignal(m).catch(() => undefined);
  const offer = await a.offer(options);
  const answer = await b.answer(offer, options);
  await a.accept(answer);
  await b.channelOpen;
  b.send('hello from the other end');
}
