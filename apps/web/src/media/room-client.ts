import type { JsonBlob, LinkRung, PeerView, ProducerInfo, RoomView, ServerEvent, ServerEventPayload, TransportOptions } from '@roomcast/shared';
import { Device, type types } from 'mediasoup-client';
import { ApiError, toApiError, type ClientErrorCode } from '../api/errors';
import { connectSocket, describeConnectError, request, type AckEmitter } from '../api/socket';
import { DEFAULT_CONNECT_TIMEOUT_MS, watchTransport } from './connectivity';
import { MediaSession, Superseded } from './media-session';
// Kept apart from the first import so branches that extend that line merge cleanly.
import type { RequestOf } from '@roomcast/shared';
import { MicController, moderatorMutedMessage } from './mic-controller';
import { captureMicrophone, DEFAULT_MIC_SETTINGS, listMicrophones, type MicDevice, type MicSettings } from './microphone';
import {
  backoffMs,
  describeRoomError,
  isFatal,
  levelsFromEvent,
  removePeer,
  upsertPeer,
  type RoomStatus,
} from './room-state';

/** One remote audio track, as the page renders it into an <audio> element. */
export interface RemoteAudio {
  consumerId: string;
  producerId: string;
  peerId: string;
  track: MediaStreamTrack;
}

export type MicState = 'pending' | 'live' | 'muted' | 'unavailable';
export type TransportState = types.ConnectionState | 'none';

/** Everything the room page shows; replaced (never mutated) on each change. */
export interface RoomSnapshot {
  status: RoomStatus;
  /** Words for a person, beside the status. */
  message: string;
  error: { code: ClientErrorCode; message: string } | null;
  room: RoomView | null;
  self: PeerView | null;
  /** Other peers in the room, in join order. */
  peers: PeerView[];
  remoteAudio: RemoteAudio[];
  activeSpeakerId: string | null;
  levels: Record<string, number>;
  transports: { send: TransportState; recv: TransportState };
  /** Which rung each transport connected on (direct / relay-udp / relay-tcp / relay-tls). */
  rungs: { send: LinkRung | null; recv: LinkRung | null };
  mic: MicState;
  micMessage: string | null;
  micSettings: MicSettings;
  microphones: MicDevice[];
  /** Push-to-talk: muted except while the talk key (or button) is held. */
  pushToTalk: boolean;
  talking: boolean;
  /** Moderated room: a moderator-muted person waits to be allowed before unmuting. */
  moderated: boolean;
  /** Feedback on the last moderation action (or a refusal), for a person to read. */
  notice: string | null;
}

/** The socket surface the client uses; socket.io's typed Socket satisfies it at runtime. */
export interface RoomSocket extends AckEmitter {
  readonly active: boolean;
  readonly connected: boolean;
  // socket.io's `on` is generic over its event map; this plain shape lets a test fake stand in.
  on(event: string, listener: (...args: any[]) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

/** What the client needs from the outside world; swapped for fakes in tests. */
export interface RoomClientDeps {
  connect(): RoomSocket;
  createDevice(): Promise<Device>;
  getMicrophone(settings: MicSettings): Promise<MediaStreamTrack>;
  listMicrophones?(): Promise<MicDevice[]>;
}

export const browserDeps: RoomClientDeps = {
  connect: () => connectSocket() as unknown as RoomSocket,
  createDevice: () => Device.factory(),
  getMicrophone: captureMicrophone,
  listMicrophones,
};

/** Join attempts in a row before giving up and showing `failed`. */
const MAX_JOIN_ATTEMPTS = 6;
/** Consecutive ICE failures (each followed by a full rejoin) before giving up. */
const MAX_ICE_FAILURES = 3;
/** Grace for a `disconnected` transport to recover on its own before restarting ICE. */
const ICE_RESTART_DELAY_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const initialSnapshot = (): RoomSnapshot => ({
  status: 'joining',
  message: 'Connecting to the server…',
  error: null,
  room: null,
  self: null,
  peers: [],
  remoteAudio: [],
  activeSpeakerId: null,
  levels: {},
  transports: { send: 'none', recv: 'none' },
  rungs: { send: null, recv: null },
  mic: 'pending',
  micMessage: null,
  micSettings: DEFAULT_MIC_SETTINGS,
  microphones: [],
  pushToTalk: false,
  talking: false,
  moderated: false,
  notice: null,
});

/**
 * Owns one visit to one voice room: the socket, the mediasoup Device, both transports, the
 * microphone producer and every consumer. It survives socket reconnects and SFU resets by
 * throwing the media session away and joining again; only close() ends it.
 */
export class RoomClient {
  private state: RoomSnapshot = initialSnapshot();
  private readonly listeners = new Set<(state: RoomSnapshot) => void>();
  private socket: RoomSocket | null = null;
  private session: MediaSession | null = null;
  /** Bumped by each join run and by close(); an older run seeing a different value stops. */
  private run = 0;
  private closed = false;
  private hasJoined = false;
  private iceFailures = 0;
  private serverDisconnects = 0;
  /** The microphone is captured once per visit and reused by every rejoin (no new prompt). */
  private readonly mic: MicController;

  constructor(
    readonly roomId: string,
    private readonly deps: RoomClientDeps = browserDeps,
  ) {
    this.mic = new MicController(
      {
        state: () => this.state,
        update: (patch) => this.update(patch),
        session: () => this.session,
        socket: () => this.socket,
        closed: () => this.closed,
      },
      deps,
    );
  }

  getSnapshot(): RoomSnapshot {
    return this.state;
  }

  subscribe(listener: (state: RoomSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and joins. The join itself starts from the socket's `connect` event. */
  start(): void {
    if (this.socket || this.closed) return;
    // Ask for the microphone while the socket connects: the prompt is the slowest step.
    this.mic.capture();
    const socket = this.deps.connect();
    this.socket = socket;
    this.wire(socket);
    if (socket.connected) void this.joinLoop('joining', 'Joining the room…');
  }

  /** After `failed`: try again from the top (the socket too, if the server had refused it). */
  retry(): void {
    if (this.closed || !this.socket) return;
    this.iceFailures = 0;
    this.serverDisconnects = 0;
    if (this.socket.connected) void this.joinLoop('joining', 'Joining the room…');
    else {
      this.update({ status: 'joining', message: 'Connecting to the server…', error: null });
      this.socket.connect();
    }
  }

  // The microphone: mute, push-to-talk, device and processing (see MicController).
  setMuted(muted: boolean): void {
    this.mic.setMuted(muted);
  }
  setPushToTalk(on: boolean): void {
    this.mic.setPushToTalk(on);
  }
  setTalking(held: boolean): void {
    this.mic.setTalking(held);
  }
  setMicSettings(patch: Partial<MicSettings>): Promise<void> {
    return this.mic.setSettings(patch);
  }

  // Moderation: the server checks who may; a refusal shows up as a notice.
  mutePeer(peerId: string): Promise<void> {
    return this.moderate('mod:mutePeer', { peerId });
  }
  allowUnmute(peerId: string): Promise<void> {
    return this.moderate('mod:allowUnmute', { peerId });
  }
  removePeer(peerId: string): Promise<void> {
    return this.moderate('mod:removePeer', { peerId });
  }
  setModerated(moderated: boolean): Promise<void> {
    return this.moderate('mod:setModerated', { moderated });
  }

  private async moderate<E extends 'mod:mutePeer' | 'mod:allowUnmute' | 'mod:removePeer' | 'mod:setModerated'>(
    event: E,
    payload: RequestOf<E>,
  ): Promise<void> {
    if (!this.socket) return;
    try {
      await request(this.socket, event, payload);
      this.update({ notice: null });
    } catch (error) {
      this.update({ notice: toApiError(error).message });
    }
  }

  /** Leaves the room and releases everything. Safe to call any number of times. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.run++;
    this.session?.close();
    this.session = null;
    this.mic.release();
    const socket = this.socket;
    if (socket?.connected) {
      // Say goodbye so others see us leave at once, then hang up whatever the answer.
      request(socket, 'room:leave', {}, 1_000)
        .catch(() => undefined)
        .finally(() => socket.disconnect());
    } else socket?.disconnect();
    this.listeners.clear();
  }

  // ---- state ---------------------------------------------------------------------------------

  private update(patch: Partial<RoomSnapshot>): void {
    if (this.closed) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  /** Gives up until retry(). `message` overrides the generic words for the error's code. */
  private fail(error: ApiError, message = describeRoomError(error.code, error.message)): void {
    this.run++;
    this.session?.close();
    this.session = null;
    this.update({
      status: 'failed',
      message,
      error: { code: error.code, message },
      remoteAudio: [],
      transports: { send: 'none', recv: 'none' },
      // Out of the room: who was there (and who spoke) is no longer ours to show.
      self: null,
      peers: [],
      activeSpeakerId: null,
      levels: {},
    });
  }

  /** Re-derives the audio list from the current session's consumers. */
  private publishMedia(session: MediaSession): void {
    if (session !== this.session) return;
    const remoteAudio: RemoteAudio[] = [];
    for (const consumer of session.consumers.values()) {
      if (consumer.kind !== 'audio' || consumer.closed) continue;
      remoteAudio.push({
        consumerId: consumer.id,
        producerId: consumer.producerId,
        peerId: String(consumer.appData['peerId'] ?? ''),
        track: consumer.track,
      });
    }
    this.update({ remoteAudio });
  }

  // ---- socket --------------------------------------------------------------------------------

  private wire(socket: RoomSocket): void {
    const on = <E extends ServerEvent>(event: E, handler: (payload: ServerEventPayload<E>) => void) =>
      socket.on(event, (payload: ServerEventPayload<E>) => {
        if (!this.closed) handler(payload);
      });

    socket.on('connect', () => {
      if (this.closed) return;
      void this.joinLoop(this.hasJoined ? 'reconnecting' : 'joining', this.hasJoined ? 'Reconnected; rejoining the room…' : 'Joining the room…');
    });

    socket.on('disconnect', (reason: string) => {
      if (this.closed || reason === 'io client disconnect') return;
      // The server drops our peer with the socket: media is dead until we join again.
      this.run++;
      this.session?.close();
      this.session = null;
      this.update({
        status: this.hasJoined ? 'reconnecting' : 'joining',
        message: 'Lost the connection to the server; reconnecting…',
        remoteAudio: [],
        transports: { send: 'none', recv: 'none' },
      });
      if (reason === 'io server disconnect') {
        // socket.io does not retry after a server-side disconnect (a graceful restart does this).
        const attempt = this.serverDisconnects++;
        if (attempt >= MAX_JOIN_ATTEMPTS) {
          this.fail(new ApiError('unavailable', 'server closed the connection'), 'The server keeps closing the connection.');
          return;
        }
        setTimeout(() => {
          if (!this.closed && !socket.connected) socket.connect();
        }, backoffMs(attempt + 1));
      }
    });

    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      if (this.closed) return;
      const failure = describeConnectError(err, socket.active);
      if (failure.fatal) {
        socket.disconnect();
        this.fail(new ApiError(failure.code, failure.message), failure.message);
      } else this.update({ status: this.hasJoined ? 'reconnecting' : 'joining', message: failure.message });
    });

    on('peer:updated', (peer) => {
      const self = this.state.self;
      if (peer.peerId !== self?.peerId) {
        this.session?.silencePeer(peer.peerId, peer.mic === 'muted');
        this.update({ peers: upsertPeer(this.state.peers, peer) });
        return;
      }
      this.update({ self: peer });
      this.mic.selfUpdated(self, peer);
    });

    on('room:moderation', ({ moderated }) => {
      const self = this.state.self;
      this.update({ moderated, ...(self?.moderatorMuted ? { micMessage: moderatorMutedMessage(moderated) } : {}) });
    });

    on('room:removed', ({ bannedUntil }) => {
      const until = new Date(bannedUntil).toLocaleTimeString();
      this.fail(new ApiError('banned', 'removed by a moderator'), `A moderator removed you from this room. You can rejoin after ${until}.`);
    });

    on('peer:joined', (peer) => {
      if (peer.peerId === this.state.self?.peerId) return;
      this.update({ peers: upsertPeer(this.state.peers, peer) });
    });

    on('peer:left', ({ peerId }) => {
      this.session?.dropPeer(peerId);
      const { [peerId]: _gone, ...levels } = this.state.levels;
      this.update({
        peers: removePeer(this.state.peers, peerId),
        levels,
        activeSpeakerId: this.state.activeSpeakerId === peerId ? null : this.state.activeSpeakerId,
      });
    });

    on('producer:new', (info) => {
      if (this.session) this.offerProducer(this.session, info);
    });

    on('producer:closed', ({ producerId }) => this.session?.dropProducer(producerId));
    on('consumer:closed', ({ consumerId }) => this.session?.dropConsumer(consumerId));
    on('room:activeSpeaker', ({ peerId }) => this.update({ activeSpeakerId: peerId }));
    on('room:audioLevels', (event) => this.update({ levels: levelsFromEvent(event) }));

    on('room:rejoin', ({ reason }) => {
      void this.joinLoop('reconnecting', `The media server was reset (${reason}); reconnecting…`);
    });

    on('server:shutdown', ({ reason }) => {
      this.update({ message: `The server is restarting (${reason}); will reconnect…` });
    });

    on('protocol:error', ({ event, error }) => console.warn(`[room] server rejected ${event}: ${error.code} ${error.message}`));
  }

  // ---- joining -------------------------------------------------------------------------------

  /** Joins, retrying what can be retried; any newer run (or close) silently ends this one. */
  private async joinLoop(phase: 'joining' | 'reconnecting', message: string, leaveFirst = false): Promise<void> {
    if (this.closed || !this.socket) return;
    const run = ++this.run;
    this.session?.close();
    this.session = null;
    this.update({
      status: phase,
      message,
      error: null,
      remoteAudio: [],
      activeSpeakerId: null,
      levels: {},
      transports: { send: 'none', recv: 'none' },
      rungs: { send: null, recv: null },
    });

    // Only we know our media died (ICE failed): the server still counts us in, so leave first.
    if (leaveFirst && this.socket.connected) {
      await request(this.socket, 'room:leave', {}).catch(() => undefined);
      if (run !== this.run || this.closed) return;
    }

    for (let attempt = 0; ; attempt++) {
      const socket = this.socket;
      // Offline: the `connect` handler starts a fresh run when the socket is back.
      if (!socket.connected) return;
      const session = new MediaSession();
      this.session = session;
      try {
        await this.join(socket, session);
        if (run !== this.run) return;
        this.hasJoined = true;
        this.serverDisconnects = 0;
        this.update({ status: 'connected', message: 'Connected.', error: null });
        return;
      } catch (raw) {
        session.close();
        if (run !== this.run || this.closed || raw instanceof Superseded) return;
        const error = toApiError(raw);
        if (isFatal(error.code) || attempt + 1 >= MAX_JOIN_ATTEMPTS) {
          this.fail(error);
          return;
        }
        // The server still holds us in the room after a half-finished join (or says we are
        // already in it): leave first so the next join starts clean.
        if (session.joined || error.code === 'conflict') await request(socket, 'room:leave', {}).catch(() => undefined);
        this.update({ status: phase, message: `${describeRoomError(error.code, error.message)} Retrying…` });
        await sleep(backoffMs(attempt));
        if (run !== this.run || this.closed) return;
      }
    }
  }

  /** One complete join: room, device, transports, microphone, and everyone already speaking. */
  private async join(socket: RoomSocket, session: MediaSession): Promise<void> {
    performance.mark('roomcast:join-request');
    const joined = await session.guard(request(socket, 'room:join', { roomId: this.roomId }));
    session.joined = true;
    session.selfPeerId = joined.self.peerId;
    this.update({
      room: joined.room,
      self: joined.self,
      peers: joined.peers.filter((p) => p.peerId !== joined.self.peerId),
      moderated: joined.moderated,
      activeSpeakerId: joined.activeSpeakerId,
    });
    // A moderator's mute follows us through rejoins: the server starts our producer paused.
    if (joined.self.moderatorMuted) this.mic.joinedMuted(joined.moderated);

    const device = await session.guard(this.deps.createDevice());
    session.device = device;
    // The wire carries RTP capabilities as opaque JSON; mediasoup-client validates them itself.
    await session.guard(device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as types.RtpCapabilities }));

    const [sendOptions, recvOptions] = await session.guard(
      Promise.all([
        request(socket, 'sfu:createTransport', { direction: 'send' }),
        request(socket, 'sfu:createTransport', { direction: 'recv' }),
      ]),
    );
    session.send = device.createSendTransport(sendOptions as unknown as types.TransportOptions);
    session.recv = device.createRecvTransport(recvOptions as unknown as types.TransportOptions);
    this.wireTransport(socket, session, session.send, 'send');
    this.wireTransport(socket, session, session.recv, 'recv');
    this.watchConnectivity(session, session.send, 'send', sendOptions);
    this.watchConnectivity(session, session.recv, 'recv', recvOptions);

    for (const producer of joined.producers) session.pending.set(producer.producerId, producer);
    const consuming = this.drainPending(session);
    await Promise.all([this.mic.produce(socket, session), consuming]);
    session.check();
  }

  private wireTransport(socket: RoomSocket, session: MediaSession, transport: types.Transport, direction: 'send' | 'recv'): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request(socket, 'sfu:connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as JsonBlob }).then(
        () => callback(),
        errback,
      );
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        request(socket, 'sfu:produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as JsonBlob, appData }).then(
          ({ producerId }) => callback({ id: producerId }),
          errback,
        );
      });
    }

    let restartTimer: ReturnType<typeof setTimeout> | undefined;
    transport.on('connectionstatechange', (state) => {
      if (session !== this.session) return;
      this.update({ transports: { ...this.state.transports, [direction]: state } });
      clearTimeout(restartTimer);
      if (state === 'connected') {
        this.iceFailures = 0;
        // Recovered in place (by itself or by an ICE restart): say so, still in the room.
        if (this.state.status === 'reconnecting' && session.mediaConnected) this.update({ status: 'connected', message: 'Connected again.' });
      } else if (state === 'disconnected') {
        // The person hears silence now: tell them we are on it, before the restart kicks in.
        if (this.state.status === 'connected') this.update({ status: 'reconnecting', message: 'The network changed; restoring the audio connection…' });
        restartTimer = setTimeout(() => void this.restartIce(socket, session, transport), ICE_RESTART_DELAY_MS);
      } else if (state === 'failed') {
        this.iceFailures++;
        if (this.iceFailures > MAX_ICE_FAILURES) {
          this.fail(new ApiError('unavailable', 'ICE failed repeatedly'), 'The media connection keeps failing; the network may block WebRTC.');
        } else void this.joinLoop('reconnecting', 'The media connection failed; reconnecting…', true);
      }
    });
  }

  /** Rung display and the connect timeout (a stale TURN credential never connects). */
  private watchConnectivity(session: MediaSession, transport: types.Transport, direction: 'send' | 'recv', options: TransportOptions): void {
    watchTransport(transport, {
      name: `sfu-${direction}`,
      timeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      usedTurn: Boolean(options.iceServers?.length),
      onRung: (rung) => {
        if (session === this.session) this.update({ rungs: { ...this.state.rungs, [direction]: rung } });
      },
      onTimeout: (message) => {
        if (session === this.session) this.fail(new ApiError('unavailable', `${direction} transport did not connect in time`), message);
      },
    });
  }

  /** A brief network change: new ICE credentials usually recover without a full rejoin. */
  private async restartIce(socket: RoomSocket, session: MediaSession, transport: types.Transport): Promise<void> {
    if (session !== this.session || transport.closed || transport.connectionState !== 'disconnected') return;
    try {
      const { iceParameters } = await request(socket, 'sfu:restartIce', { transportId: transport.id });
      if (session === this.session && !transport.closed) await transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters });
    } catch (error) {
      console.warn('[room] ICE restart failed', error);
    }
  }

  /** Consumes everything queued before the receive transport existed. */
  private async drainPending(session: MediaSession): Promise<void> {
    const queued = [...session.pending.values()];
    session.pending.clear();
    await Promise.all(queued.map((info) => this.offerProducer(session, info)));
  }

  /** Consumes a producer unless it is ours, already handled, or the session is not ready yet. */
  private offerProducer(session: MediaSession, info: ProducerInfo): Promise<void> {
    if (session.closed || session.handled.has(info.producerId) || session.closedProducers.has(info.producerId)) return Promise.resolve();
    if (!session.ready) {
      session.pending.set(info.producerId, info);
      return Promise.resolve();
    }
    if (info.peerId === session.selfPeerId) return Promise.resolve();
    // A voice room renders audio only; consuming video nobody shows would waste bandwidth.
    if (info.kind !== 'audio') return Promise.resolve();
    session.handled.add(info.producerId);
    return this.consume(session, info).catch((error: unknown) => {
      if (error instanceof Superseded || session.closed) return;
      // A producer that closed during the request fails here harmlessly; anything else is logged.
      session.handled.delete(info.producerId);
      console.warn(`[room] could not consume ${info.producerId}`, error);
    });
  }

  private async consume(session: MediaSession, info: ProducerInfo): Promise<void> {
    const socket = this.socket;
    const { device, recv } = session;
    if (!socket || !device || !recv) return;
    const options = await session.guard(
      request(socket, 'sfu:consume', {
        transportId: recv.id,
        producerId: info.producerId,
        rtpCapabilities: device.rtpCapabilities as JsonBlob,
      }),
    );
    const consumer = await session.guard(
      recv.consume({
        id: options.consumerId,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as unknown as types.RtpParameters,
        appData: { peerId: options.peerId },
      }),
    );
    session.consumers.set(consumer.id, consumer);
    const speaker = this.state.peers.find((p) => p.peerId === options.peerId);
    if (options.producerPaused || speaker?.mic === 'muted') consumer.track.enabled = false;
    consumer.observer.on('close', () => {
      session.consumers.delete(consumer.id);
      this.publishMedia(session);
    });
    consumer.on('trackended', () => consumer.close());
    // Chromium unmutes a remote track on its first RTP packet: the join-latency benchmark reads this mark.
    if (consumer.kind === 'audio' && !performance.getEntriesByName('roomcast:first-audio').length) {
      consumer.track.addEventListener('unmute', () => performance.mark('roomcast:first-audio'), { once: true });
    }
    if (session.closedProducers.has(consumer.producerId) || session.closedConsumers.has(consumer.id)) {
      consumer.close();
      return;
    }
    this.publishMedia(session);
    // Created paused server-side so no packet is lost before the track is wired up.
    await session.guard(request(socket, 'sfu:resumeConsumer', { consumerId: consumer.id }));
  }
}
