import nodeDataChannel, { type PeerConnection } from 'node-datachannel';
import { libraryRung, type AgentNotice, type LibraryRung, type SessionOpen, type Signal } from '@roomcast/shared';
import { DataChannelCarrier, RelayCarrier } from './carrier.js';
import type { Catalog } from './catalog.js';
import type { FairLimiter } from './fair-limiter.js';
import { toDataChannelIce } from './ice.js';
import { PeerServer, type TranscodeSlots } from './peer-server.js';

export interface SessionDeps {
  catalog: Catalog;
  limiter: FairLimiter;
  /** Data saver's ffmpeg processes, shared by every session of the agent. */
  slots: TranscodeSlots;
  /** Sends a signal to the browser through signaling. */
  signal: (signal: Signal) => void;
  /** Sends one relay frame; resolves true once the browser took it. */
  relay: (data: string | Uint8Array) => Promise<boolean>;
  /** Ends this session at signaling (the listener is told and may open a new one). */
  end: () => void;
  /** Gather ICE candidates on this address only (tests pin loopback; unset: every interface). */
  bindAddress?: string | undefined;
  log: (line: string) => void;
}

/**
 * One listener's session: a WebRTC peer connection answering the browser's offer (the browser
 * opens the data channel), and — when the browser falls back or asked for it — the same
 * protocol over relay frames. Each carrier has its own PeerServer; both share the upload cap
 * under this listener's key.
 */
export class AgentSession {
  #pc: PeerConnection | null = null;
  #channelServer: PeerServer | null = null;
  #relayServer: PeerServer | null = null;
  #relayCarrier: RelayCarrier | null = null;
  #closed = false;
  #earlyRemote: Extract<Signal, { type: 'candidate' }>[] = [];
  readonly openedAt = new Date();

  constructor(
    readonly open: SessionOpen,
    private readonly deps: SessionDeps,
  ) {}

  get id(): string {
    return this.open.sessionId;
  }

  /** Where this listener's bytes go now. */
  rung(): LibraryRung | null {
    if (this.#channelServer && this.#pc?.state() === 'connected') {
      const pair = this.#pc.getSelectedCandidatePair();
      return libraryRung(pair?.local.type, pair?.local.transportType?.toLowerCase());
    }
    return this.#relayServer ? 'server' : null;
  }

  bytesRead(): number {
    return (this.#channelServer?.bytesRead ?? 0) + (this.#relayServer?.bytesRead ?? 0);
  }

  signal(signal: Signal): void {
    if (this.#closed) return;
    if (signal.type === 'candidate') {
      // End-of-candidates (empty) needs nothing. A candidate can overtake its offer (libdatachannel
      // peers report them from another thread): it waits for the offer, a bounded few of them.
      if (!signal.candidate) return;
      if (this.#pc) this.#safe(() => this.#pc!.addRemoteCandidate(signal.candidate, signal.mid));
      else if (this.#earlyRemote.length < 32) this.#earlyRemote.push(signal);
      return;
    }
    if (signal.type !== 'offer') return;
    this.#pc ??= this.#createPeer();
    this.#safe(() => this.#pc!.setRemoteDescription(signal.sdp, 'offer'));
    for (const c of this.#earlyRemote.splice(0)) this.#safe(() => this.#pc!.addRemoteCandidate(c.candidate, c.mid));
  }

  /** A relay frame from the browser: the server rung, started on the first one. */
  relay(data: string | Uint8Array | ArrayBuffer): void {
    if (this.#closed) return;
    this.#relayServerNow().receive(data);
  }

  /** The server rung's PeerServer, started the first time anything goes that way. */
  #relayServerNow(): PeerServer {
    if (!this.#relayServer) {
      this.#relayCarrier = new RelayCarrier(this.deps.relay, () => {
        this.deps.log(`session ${this.id}: a relay frame was lost; ending the session so the listener reopens it`);
        this.deps.end();
      });
      this.#relayServer = new PeerServer(this.deps.catalog, this.#relayCarrier, this.deps.limiter, this.id, this.deps.slots);
      this.deps.log(`session ${this.id}: serving ${this.open.displayName} through the server relay`);
    }
    return this.#relayServer;
  }

  /**
   * Passes a notice to the listener on whichever carriers it uses. A listener that has sent
   * nothing yet is still told: with no open data channel it is on the server relay (it asked for
   * it, or fell back to it), which it listens to from the moment its session opened.
   */
  notify(notice: AgentNotice): void {
    if (this.#closed) return;
    const channelOpen = this.#channelServer !== null && !this.#channelServer.closed;
    if (channelOpen) this.#channelServer!.notify(notice);
    if (this.#relayServer || !channelOpen) this.#relayServerNow().notify(notice);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channelServer?.close();
    this.#relayServer?.close();
    this.#relayCarrier?.close();
    // Off this call stack: libdatachannel's close can wait on its own threads (it was seen to
    // block for about a second), and must never run inside one of its callbacks.
    const pc = this.#pc;
    this.#pc = null;
    if (pc) setImmediate(() => pc.close());
  }

  #createPeer(): PeerConnection {
    const pc = new nodeDataChannel.PeerConnection(`roomcast-${this.id}`, {
      iceServers: toDataChannelIce(this.open.iceServers),
      ...(this.deps.bindAddress ? { bindAddress: this.deps.bindAddress } : {}),
    });
    // libdatachannel may report a candidate before the answer it belongs to (its callbacks come
    // from different threads): hold candidates until the answer went, or the browser refuses them.
    let described = false;
    const early: Signal[] = [];
    pc.onLocalDescription((sdp, type) => {
      if (type !== 'answer' && type !== 'offer') return;
      this.deps.signal({ type, sdp });
      described = true;
      for (const c of early.splice(0)) this.deps.signal(c);
    });
    pc.onLocalCandidate((candidate, mid) => {
      const signal: Signal = { type: 'candidate', candidate: candidate.replace(/^a=/, ''), mid };
      if (described) this.deps.signal(signal);
      else early.push(signal);
    });
    pc.onDataChannel((channel) => {
      const server = new PeerServer(this.deps.catalog, new DataChannelCarrier(channel), this.deps.limiter, this.id, this.deps.slots);
      // Attached at once, or the first requests are lost.
      channel.onMessage((message) => server.receive(typeof message === 'string' ? message : new Uint8Array(message as ArrayBuffer)));
      channel.onClosed(() => server.close());
      this.#channelServer?.close();
      this.#channelServer = server;
    });
    pc.onStateChange((state) => {
      if (state === 'connected') this.deps.log(`session ${this.id}: ${this.open.displayName} connected (${this.rung() ?? 'connecting'})`);
      else if (state === 'failed') this.deps.log(`session ${this.id}: the peer-to-peer link failed (ice ${pc.iceState()})`);
    });
    return pc;
  }

  /** A malformed SDP or candidate from the browser must not take the agent down. */
  #safe(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.deps.log(`session ${this.id}: ignored a bad signal (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}
