import { serverEvents, type ClientRequest, type JoinResult, type RequestOf, type ResponseOf, type ServerEvent, type ServerEventPayload, type UserView } from '@roomcast/shared';
import type { Device, types } from 'mediasoup-client';
import { ApiError, toApiError } from '../api/errors';
import { backoffMs, sleep, withRetry } from '../api/retry';
import { answerOf, describeConnectError, request } from '../api/socket';
import { markFirst } from '../lib/marks';
import { JoinSession, Superseded } from './join-session';
import { initialMembership, wireMembership } from './membership';
import { describeRoomError, isFatal } from './room-state';
import type { StateHost } from './state';
import { initialLinks, openTransport, type TransportNeeds } from './transports';
import type { ConnectionState, LinkState, RequestOptions, RoomContext, RoomPart, RoomSocket } from './types';

export interface ConnectionDeps {
  connect(): RoomSocket;
  createDevice(): Promise<Device>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The ack of a `room:join` already sent on the socket for this room (the entry's early join), once. */
  earlyJoin?(roomId: string): Promise<unknown> | null;
}

export interface ConnectionOptions extends Partial<TransportNeeds> {
  /** This connection's session ended (signed out, account disabled): it will not reconnect. */
  onSessionEnded?(reason: string): void;
  /** This connection's account changed (role, name). */
  onSessionUpdated?(user: UserView): void;
  /** Extra fields of `room:join` (a watch party's PIN). */
  joinExtras?(): Omit<RequestOf<'room:join'>, 'roomId'>;
  /**
   * A use's own words for a refused join, which then ends it (`failed`) at once: a wrong PIN
   * is the person's to fix, not worth retrying. Undefined: the usual handling.
   */
  joinRefusal?(error: ApiError): string | undefined;
}

/** Join attempts in a row before giving up and showing `failed`. */
const MAX_JOIN_ATTEMPTS = 6;
/** Consecutive ICE failures (each followed by a full rejoin) before giving up. */
const MAX_ICE_FAILURES = 3;

type Handler = (payload: never) => void;

/**
 * One visit to one room, whatever its use: the socket, the join loop with jittered backoff,
 * membership, reconnects and rejoins. Media parts (`use`) build their objects on each join
 * attempt's session; a socket reconnect, an SFU reset or ICE failure throws the session away
 * and joins again. Only close() ends it.
 */
export class RoomConnection implements RoomContext {
  private socket: RoomSocket | null = null;
  private current: JoinSession | null = null;
  private readonly parts: RoomPart[] = [];
  private readonly handlers = new Map<ServerEvent, Handler[]>();
  /** Bumped by each join run and by close(); an older run seeing a different value stops. */
  private run = 0;
  private isClosed = false;
  private everConnected = false;
  private hasJoined = false;
  /** The server ended our session or closed the room: nothing brings this visit back. */
  private over = false;
  private iceFailures = 0;
  private serverDisconnects = 0;
  private readonly needs: TransportNeeds;

  constructor(
    readonly roomId: string,
    private readonly store: StateHost<ConnectionState & LinkState>,
    private readonly deps: ConnectionDeps,
    private readonly options: ConnectionOptions = {},
  ) {
    this.needs = { sctp: options.sctp ?? false, consume: options.consume ?? false };
    wireMembership(this, store, {
      rejoin: (message) => void this.joinLoop('reconnecting', message),
      end: (status, error, message) => this.end(status, error, message),
      sessionEnded: (reason) => options.onSessionEnded?.(reason),
      sessionUpdated: (user) => options.onSessionUpdated?.(user),
    });
  }

  use(part: RoomPart): void {
    this.parts.push(part);
  }

  session(): JoinSession | null {
    return this.current;
  }

  closed(): boolean {
    return this.isClosed;
  }

  on<E extends ServerEvent>(event: E, handler: (payload: ServerEventPayload<E>) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler as Handler]);
  }

  request<E extends ClientRequest>(event: E, payload: RequestOf<E>, options: RequestOptions = {}): Promise<ResponseOf<E>> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new ApiError('network_error', 'not connected'));
    const once = () => request(socket, event, payload);
    if (!options.retry) return once();
    return withRetry(once, { sleep: this.deps.sleep, random: this.deps.random, wanted: () => !this.isClosed, timeouts: options.retry === true });
  }

  notify(message: string | null): void {
    this.store.update({ notice: message });
  }

  /** Connects and joins. The join itself starts from the socket's `connect` event. */
  start(): void {
    if (this.socket || this.isClosed) return;
    const socket = this.deps.connect();
    this.socket = socket;
    this.wire(socket);
    if (socket.connected) this.onConnect();
  }

  /** After `failed`: try again from the top (the socket too, if the server had refused it). */
  retry(): void {
    if (this.isClosed || this.over || !this.socket) return;
    this.iceFailures = 0;
    this.serverDisconnects = 0;
    if (this.socket.connected) void this.joinLoop('joining', 'Joining the room…');
    else {
      this.store.update({ status: 'joining', message: 'Connecting to the server…', error: null });
      this.socket.connect();
    }
  }

  /** Leaves the room and releases everything. Safe to call any number of times. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.run++;
    this.dropSession();
    for (const part of this.parts) part.close?.();
    const socket = this.socket;
    if (socket?.connected) {
      // Say goodbye so others see us leave at once, then hang up whatever the answer.
      request(socket, 'room:leave', {}, 1_000)
        .catch(() => undefined)
        .finally(() => socket.disconnect());
    } else socket?.disconnect();
  }

  // ---- what parts report ---------------------------------------------------------------------

  mediaFailed(session: JoinSession): void {
    if (session !== this.current) return;
    this.iceFailures++;
    if (this.iceFailures > MAX_ICE_FAILURES) {
      this.fail(session, new ApiError('unavailable', 'ICE failed repeatedly'), 'The media connection keeps failing; the network may block WebRTC.');
    } else void this.joinLoop('reconnecting', 'The media connection failed; reconnecting…', true);
  }

  mediaInterrupted(session: JoinSession): void {
    if (session === this.current && this.store.get().status === 'connected') {
      this.store.update({ status: 'reconnecting', message: 'The network changed; restoring the audio connection…' });
    }
  }

  mediaRecovered(session: JoinSession): void {
    if (session !== this.current) return;
    this.iceFailures = 0;
    // Recovered in place (by itself or by an ICE restart): say so, still in the room.
    if (this.store.get().status === 'reconnecting' && this.hasJoinedSession(session)) this.store.update({ status: 'connected', message: 'Connected again.' });
  }

  fail(session: JoinSession, error: ApiError, message: string): void {
    if (session === this.current) this.end('failed', error, message);
  }

  // ---- internals -----------------------------------------------------------------------------

  private hasJoinedSession(session: JoinSession): boolean {
    return session.joined && !session.closed && session.mediaConnected;
  }

  private dropSession(): void {
    this.current?.close();
    this.current = null;
    for (const part of this.parts) part.reset?.();
  }

  /** Out of the room until retry() (`failed`) or for good (`closed`). */
  private end(status: 'failed' | 'closed', error: ApiError, message = describeRoomError(error.code, error.message)): void {
    this.run++;
    this.dropSession();
    if (status === 'closed') this.over = true;
    this.store.update({ ...initialMembership(), ...initialLinks(), status, message, error: { code: error.code, message } });
  }

  private onConnect(): void {
    if (this.isClosed) return;
    if (!this.everConnected) {
      markFirst('socket-connected');
      this.everConnected = true;
      for (const part of this.parts) part.connected?.();
    }
    void this.joinLoop(this.hasJoined ? 'reconnecting' : 'joining', this.hasJoined ? 'Reconnected; rejoining the room…' : 'Joining the room…');
  }

  private wire(socket: RoomSocket): void {
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason: string) => this.onDisconnect(socket, reason));
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      if (this.isClosed || this.over) return;
      const failure = describeConnectError(err, socket.active);
      if (failure.fatal) {
        socket.disconnect();
        this.end('failed', new ApiError(failure.code, failure.message), failure.message);
      } else this.store.update({ status: this.hasJoined ? 'reconnecting' : 'joining', message: failure.message });
    });
    for (const event of this.handlers.keys()) {
      const schema = serverEvents[event];
      socket.on(event, (payload: unknown) => {
        if (this.isClosed) return;
        const parsed = schema.safeParse(payload);
        // A push that does not fit its schema is dropped, loudly: acting on half of it is worse.
        if (!parsed.success) return console.warn(`[room] dropped a malformed ${event} push: ${parsed.error.issues[0]?.message ?? ''}`);
        for (const handler of this.handlers.get(event) ?? []) (handler as (p: unknown) => void)(parsed.data);
      });
    }
  }

  private onDisconnect(socket: RoomSocket, reason: string): void {
    if (this.isClosed || this.over || reason === 'io client disconnect') return;
    // The server drops our peer with the socket: media is dead until we join again.
    this.run++;
    this.dropSession();
    this.store.update({
      ...initialLinks(),
      status: this.hasJoined ? 'reconnecting' : 'joining',
      message: 'Lost the connection to the server; reconnecting…',
    });
    if (reason !== 'io server disconnect') return;
    // socket.io does not retry after a server-side disconnect (a graceful restart does this).
    const attempt = this.serverDisconnects++;
    if (attempt >= MAX_JOIN_ATTEMPTS) {
      this.end('failed', new ApiError('unavailable', 'server closed the connection'), 'The server keeps closing the connection.');
      return;
    }
    void (this.deps.sleep ?? sleep)(backoffMs(attempt + 1, this.deps.random)).then(() => {
      if (!this.isClosed && !this.over && !socket.connected) socket.connect();
    });
  }

  /** Joins, retrying what can be retried; any newer run (or close) silently ends this one. */
  private async joinLoop(phase: 'joining' | 'reconnecting', message: string, leaveFirst = false): Promise<void> {
    if (this.isClosed || this.over || !this.socket) return;
    const run = ++this.run;
    this.dropSession();
    this.store.update({ ...initialLinks(), status: phase, message, error: null, activeSpeakerId: null, levels: {} });

    // Only we know our media died (ICE failed): the server still counts us in, so leave first.
    if (leaveFirst && this.socket.connected) {
      await this.request('room:leave', {}).catch(() => undefined);
      if (run !== this.run || this.isClosed) return;
    }

    for (let attempt = 0; ; attempt++) {
      // Offline: the `connect` handler starts a fresh run when the socket is back.
      if (!this.socket.connected) return;
      const session = new JoinSession((s, direction) => openTransport(this, this.store, s, direction, this.needs));
      this.current = session;
      try {
        await this.join(session);
        if (run !== this.run) return;
        this.hasJoined = true;
        this.serverDisconnects = 0;
        this.store.update({ status: 'connected', message: 'Connected.', error: null });
        return;
      } catch (raw) {
        session.close();
        if (run !== this.run || this.isClosed || raw instanceof Superseded) return;
        const error = toApiError(raw);
        const refusal = this.options.joinRefusal?.(error);
        if (refusal) return this.end('failed', error, refusal);
        if (isFatal(error.code) || attempt + 1 >= MAX_JOIN_ATTEMPTS) return this.end('failed', error);
        // The server still holds us in the room after a half-finished join (or says we are
        // already in it): leave first so the next join starts clean.
        if (session.joined || error.code === 'conflict') await this.request('room:leave', {}).catch(() => undefined);
        this.store.update({ status: phase, message: `${describeRoomError(error.code, error.message)} Retrying…` });
        await (this.deps.sleep ?? sleep)(backoffMs(attempt, this.deps.random));
        if (run !== this.run || this.isClosed) return;
      }
    }
  }

  /** One complete join: the room, the device loaded from its answer, then every part's media. */
  private async join(session: JoinSession): Promise<void> {
    const early = this.deps.earlyJoin?.(this.roomId);
    if (!early) markFirst('join-request');
    // The device's handler detection runs while the join request is in flight.
    const device = this.deps.createDevice();
    device.catch(() => undefined);
    const answer = early ? answerOf('room:join', early) : this.request('room:join', { roomId: this.roomId, ...this.options.joinExtras?.() });
    const joined: JoinResult = await session.guard(answer);
    markFirst('join-answer');
    session.joined = true;
    session.selfPeerId = joined.self.peerId;
    this.store.update({
      room: joined.room,
      self: joined.self,
      peers: joined.peers.filter((p) => p.peerId !== joined.self.peerId),
      moderated: joined.moderated,
      activeSpeakerId: joined.activeSpeakerId,
    });
    session.device = await session.guard(device);
    // The wire carries RTP capabilities as opaque JSON; mediasoup-client validates them itself.
    await session.guard(session.device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as types.RtpCapabilities }));
    markFirst('device-loaded');
    await Promise.all(this.parts.map((part) => part.join(session, joined)));
    session.check();
  }
}
