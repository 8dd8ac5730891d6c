import { io, type Socket } from 'socket.io-client';
import { LibraryClient, libraryEvents, libraryRequests, type LibraryRung, type Signal } from '@roomcast/shared';
import { ApiError, asErrorBody } from '../api/errors';
import { socketOptions } from '../api/socket-options';
import { connectWatchdog, DEFAULT_CONNECT_TIMEOUT_MS, orderIceServers, rungFromStats } from '../media/connectivity';

export type AgentLinkState = 'connecting' | 'open' | 'closed';

export interface AgentLinkView {
  state: AgentLinkState;
  rung: LibraryRung | null;
  message: string;
  /** Bumped when the agent says its index changed (files added, changed or removed): views reload. */
  revision: number;
}

type OpenResult = { sessionId: string; iceServers: RTCIceServer[]; connectTimeoutMs: number };

/**
 * The browser's link to one desktop agent: a session opened through signaling (`/library`),
 * then a data channel — direct or through TURN — and, when no WebRTC path connects in time or
 * the channel drops, the same protocol over the server relay. One LibraryClient serves every
 * request whatever the rung, so the player keeps its place across a switch; when the agent
 * goes offline (restarted, laptop asleep) the link waits for it and opens a new session.
 */
export class AgentLink {
  readonly client: LibraryClient;
  view: AgentLinkView = { state: 'connecting', rung: null, message: 'Connecting to your computer…', revision: 0 };
  #socket: Socket;
  #sessionId = '';
  #pc: RTCPeerConnection | null = null;
  /** Where the current peer connection takes the agent's answer and candidates. */
  #onSignal: ((signal: Signal) => void) | null = null;
  #listeners = new Set<() => void>();
  #ready!: Promise<void>;
  #markReady!: () => void;
  #cancelWatchdog = () => {};
  #waitingForAgent = false;
  #reopening = false;

  private constructor(
    readonly agentId: string,
    private readonly relay: boolean,
    private readonly turnOnly = false,
  ) {
    this.#rearm();
    this.#socket = io('/library', socketOptions());
    this.client = new LibraryClient(() => {
      throw new ApiError('unavailable', 'not connected to the library yet');
    });
    this.client.onNotice = () => this.#set({ revision: this.view.revision + 1 });
    this.#socket.on('library:closed', (payload: unknown) => {
      const parsed = libraryEvents['library:closed'].safeParse(payload);
      if (!parsed.success || parsed.data.sessionId !== this.#sessionId) return;
      this.#drop(parsed.data.reason);
      if (parsed.data.retry) {
        this.#waitingForAgent = true;
        this.#set({ state: 'connecting', rung: null, message: 'Your computer went offline; waiting for it to come back…' });
        // It may be back already (a restart faster than this event, or a session it ended itself).
        this.#reopen();
      } else {
        this.#set({ state: 'closed', rung: null, message: `Disconnected: ${parsed.data.reason}.` });
      }
    });
    this.#socket.on('library:presence', (payload: unknown) => {
      const parsed = libraryEvents['library:presence'].safeParse(payload);
      if (parsed.success && parsed.data.agentId === agentId && parsed.data.online) this.#reopen();
    });
    this.#socket.on('library:relay', (payload: unknown, ack?: (r: unknown) => void) => {
      const parsed = libraryEvents['library:relay'].safeParse(payload);
      if (parsed.success && parsed.data.sessionId === this.#sessionId) this.client.receive(parsed.data.data as string | ArrayBuffer);
      ack?.({ ok: true, data: {} });
    });
    this.#socket.on('library:signal', (payload: unknown) => {
      const parsed = libraryEvents['library:signal'].safeParse(payload);
      if (parsed.success && parsed.data.sessionId === this.#sessionId) this.#onSignal?.(parsed.data.signal);
    });
  }

  /** Opens a session on the agent; `relay` skips WebRTC and uses the server relay at once. */
  static open(agentId: string, options: { relay?: boolean; turnOnly?: boolean } = {}): AgentLink {
    const link = new AgentLink(agentId, options.relay ?? false, options.turnOnly ?? false);
    void link.#start().catch((error: unknown) => link.#fail(error));
    return link;
  }

  /** Resolves once requests can flow (data channel open, or the relay in use) on the current session. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#waitingForAgent = false;
    if (this.#sessionId) this.#socket.emit('library:close', { sessionId: this.#sessionId }, () => {});
    this.#drop('closed');
    this.#socket.close();
    this.#set({ state: 'closed', rung: null, message: 'Disconnected.' });
  }

  /** Opens a new session if the link waits for its agent; an offline agent keeps it waiting for presence. */
  #reopen(): void {
    if (!this.#waitingForAgent || this.#reopening) return;
    this.#reopening = true;
    this.#start().then(
      () => {
        this.#waitingForAgent = false;
        this.#reopening = false;
      },
      (error: unknown) => {
        this.#reopening = false;
        if (!(error instanceof ApiError && error.code === 'unavailable')) {
          this.#waitingForAgent = false;
          this.#fail(error);
        }
      },
    );
  }

  #rearm(): void {
    this.#ready = new Promise<void>((resolve) => (this.#markReady = resolve));
  }

  /** The session is gone: pending requests fail (the player asks again once a new one is ready). */
  #drop(reason: string): void {
    this.#cancelWatchdog();
    this.#onSignal = null;
    this.#pc?.close();
    this.#pc = null;
    this.client.detach(reason);
    this.#rearm();
  }

  #set(patch: Partial<AgentLinkView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of this.#listeners) listener();
  }

  #fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#set({ state: 'closed', message: `Could not connect: ${message}` });
  }

  async #ask<E extends keyof typeof libraryRequests>(event: E, payload: unknown): Promise<unknown> {
    const answer = (await this.#socket.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; data?: unknown; error?: unknown };
    if (!answer.ok) {
      const body = asErrorBody(answer.error) ?? { code: 'internal' as const, message: 'the server could not answer' };
      throw new ApiError(body.code, body.message);
    }
    return answer.data;
  }

  async #start(): Promise<void> {
    const open = (await this.#ask('library:open', { agentId: this.agentId, relay: this.relay })) as OpenResult;
    this.#sessionId = open.sessionId;
    if (this.relay) return this.#useRelay('You chose the server relay.');
    await this.#webrtc(open);
  }

  /** The last rung: every message through signaling. */
  #useRelay(why: string): void {
    this.#cancelWatchdog();
    this.#onSignal = null;
    this.#pc?.close();
    this.#pc = null;
    this.client.attach((data) => void this.#socket.emit('library:relay', { sessionId: this.#sessionId, data }, () => {}));
    this.#set({ state: 'open', rung: 'server', message: why });
    this.#markReady();
  }

  async #webrtc(open: OpenResult): Promise<void> {
    const pc = new RTCPeerConnection({ iceServers: orderIceServers(open.iceServers as never), ...(this.turnOnly ? { iceTransportPolicy: 'relay' as const } : {}) });
    this.#pc = pc;
    const early: RTCIceCandidateInit[] = [];
    const signal = (s: Signal) => this.#socket.emit('library:signal', { sessionId: this.#sessionId, signal: s }, () => {});
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.candidate) signal({ type: 'candidate', candidate: e.candidate.candidate, mid: e.candidate.sdpMid ?? '0' });
    });
    // Candidates that arrive before the answer wait for it.
    this.#onSignal = (s) => {
      if (s.type === 'answer') {
        void pc.setRemoteDescription({ type: 'answer', sdp: s.sdp }).then(async () => {
          for (const c of early.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
        });
      } else if (s.type === 'candidate') {
        const candidate = { candidate: s.candidate, sdpMid: s.mid };
        if (pc.remoteDescription) void pc.addIceCandidate(candidate).catch(() => undefined);
        else early.push(candidate);
      }
    };
    const channel = pc.createDataChannel('library');
    channel.binaryType = 'arraybuffer';
    // Attached at once: messages before a later listener would be lost.
    channel.onmessage = (e) => this.client.receive(e.data as string | ArrayBuffer);
    channel.onopen = () => {
      this.#cancelWatchdog();
      // With acks: the agent keeps only a small window in flight, so a seek is not queued behind megabytes.
      this.client.attach((text) => channel.send(text), { ack: true });
      this.#set({ state: 'open', message: '' });
      this.#markReady();
      void this.#readRung(pc);
    };
    channel.onclose = () => {
      if (this.#pc === pc && this.view.state === 'open') {
        this.client.detach('the direct link dropped');
        this.#useRelay('The peer-to-peer link dropped; now through the server relay.');
      }
    };
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' && this.#pc === pc) this.#useRelay('No peer-to-peer path worked; using the server relay.');
    });
    this.#cancelWatchdog = connectWatchdog(
      open.connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT_MS,
      () => channel.readyState === 'open',
      () => this.#useRelay('No peer-to-peer path connected in time; using the server relay.'),
    );
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    signal({ type: 'offer', sdp: offer.sdp ?? '' });
  }

  /** The selected pair can settle a moment after open: read it until it names a rung (bounded). */
  async #readRung(pc: RTCPeerConnection): Promise<void> {
    for (let i = 0; i < 20 && this.#pc === pc; i++) {
      const rung = rungFromStats((await pc.getStats()) as unknown as Map<string, Record<string, unknown>>);
      if (rung) return this.#set({ rung });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
