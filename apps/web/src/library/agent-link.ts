import { io, type Socket } from 'socket.io-client';
import { LibraryClient, libraryEvents, libraryRequests, type LibraryRung } from '@roomcast/shared';
import { ApiError, asErrorBody } from '../api/errors';
import { socketOptions } from '../api/socket-options';
import { connectWatchdog, DEFAULT_CONNECT_TIMEOUT_MS, orderIceServers, rungFromStats } from '../media/connectivity';

export type AgentLinkState = 'connecting' | 'open' | 'closed';

export interface AgentLinkView {
  state: AgentLinkState;
  rung: LibraryRung | null;
  message: string;
}

type OpenResult = { sessionId: string; iceServers: RTCIceServer[]; connectTimeoutMs: number };

/**
 * The browser's link to one desktop agent: a session opened through signaling (`/library`),
 * then a data channel — direct or through TURN — and, when no WebRTC path connects in time or
 * the channel drops, the same protocol over the server relay. One LibraryClient serves every
 * request whatever the rung, so the player keeps its place across a switch.
 */
export class AgentLink {
  readonly client: LibraryClient;
  view: AgentLinkView = { state: 'connecting', rung: null, message: 'Connecting to your computer…' };
  #socket: Socket;
  #sessionId = '';
  #pc: RTCPeerConnection | null = null;
  #listeners = new Set<() => void>();
  #ready!: () => void;
  /** Resolves once requests can flow (data channel open, or the relay in use). */
  readonly ready = new Promise<void>((resolve) => (this.#ready = resolve));
  #cancelWatchdog = () => {};

  private constructor(readonly agentId: string) {
    this.#socket = io('/library', { ...socketOptions(), forceNew: false });
    this.client = new LibraryClient(() => {
      throw new ApiError('unavailable', 'not connected to the library yet');
    });
  }

  /** Opens a session on the agent; `relay` skips WebRTC and uses the server relay at once. */
  static open(agentId: string, options: { relay?: boolean } = {}): AgentLink {
    const link = new AgentLink(agentId);
    void link.#start(options.relay ?? false).catch((error: unknown) => link.#fail(error));
    return link;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#cancelWatchdog();
    if (this.#sessionId) this.#socket.emit('library:close', { sessionId: this.#sessionId }, () => {});
    this.#pc?.close();
    this.#socket.close();
    this.client.detach('closed');
    this.#set({ state: 'closed', message: 'Disconnected.' });
  }

  #set(patch: Partial<AgentLinkView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of this.#listeners) listener();
  }

  #fail(error: unknown): void {
    const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
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

  async #start(relay: boolean): Promise<void> {
    this.#socket.on('library:closed', (payload: unknown) => {
      const parsed = libraryEvents['library:closed'].safeParse(payload);
      if (!parsed.success || parsed.data.sessionId !== this.#sessionId) return;
      this.client.detach(parsed.data.reason);
      this.#pc?.close();
      this.#set({ state: 'closed', rung: null, message: `Disconnected: ${parsed.data.reason}.` });
    });
    this.#socket.on('library:relay', (payload: unknown, ack?: (r: unknown) => void) => {
      const parsed = libraryEvents['library:relay'].safeParse(payload);
      if (parsed.success && parsed.data.sessionId === this.#sessionId) this.client.receive(parsed.data.data as string | ArrayBuffer);
      ack?.({ ok: true, data: {} });
    });
    const open = (await this.#ask('library:open', { agentId: this.agentId, relay })) as OpenResult;
    this.#sessionId = open.sessionId;
    if (relay) return this.#useRelay('You chose the server relay.');
    await this.#webrtc(open);
  }

  /** The last rung: every message through signaling. */
  #useRelay(why: string): void {
    this.#cancelWatchdog();
    this.#pc?.close();
    this.#pc = null;
    this.client.attach((data) => void this.#socket.emit('library:relay', { sessionId: this.#sessionId, data }, () => {}));
    this.#set({ state: 'open', rung: 'server', message: why });
    this.#ready();
  }

  async #webrtc(open: OpenResult): Promise<void> {
    const pc = new RTCPeerConnection({ iceServers: orderIceServers(open.iceServers as never) });
    this.#pc = pc;
    const early: RTCIceCandidateInit[] = [];
    const signal = (s: unknown) => this.#socket.emit('library:signal', { sessionId: this.#sessionId, signal: s }, () => {});
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.candidate) signal({ type: 'candidate', candidate: e.candidate.candidate, mid: e.candidate.sdpMid ?? '0' });
    });
    this.#socket.on('library:signal', (payload: unknown) => {
      const parsed = libraryEvents['library:signal'].safeParse(payload);
      if (!parsed.success || parsed.data.sessionId !== this.#sessionId || this.#pc !== pc) return;
      const s = parsed.data.signal;
      if (s.type === 'answer') {
        void pc.setRemoteDescription({ type: 'answer', sdp: s.sdp }).then(async () => {
          for (const c of early.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
        });
      } else if (s.type === 'candidate') {
        const candidate = { candidate: s.candidate, sdpMid: s.mid };
        if (pc.remoteDescription) void pc.addIceCandidate(candidate).catch(() => undefined);
        else early.push(candidate);
      }
    });
    const channel = pc.createDataChannel('library');
    channel.binaryType = 'arraybuffer';
    // Attached at once: messages before a later listener would be lost.
    channel.onmessage = (e) => this.client.receive(e.data as string | ArrayBuffer);
    channel.onopen = () => {
      this.#cancelWatchdog();
      this.client.attach((text) => channel.send(text));
      this.#set({ state: 'open', message: '' });
      this.#ready();
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

  /** The selected pair can settle a moment after open: read it until it names a rung. */
  async #readRung(pc: RTCPeerConnection): Promise<void> {
    for (let i = 0; i < 20 && this.#pc === pc; i++) {
      const rung = rungFromStats((await pc.getStats()) as unknown as Map<string, Record<string, unknown>>);
      if (rung) return this.#set({ rung });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
