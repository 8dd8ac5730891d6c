import type { ClientRequest, JoinResult, LinkRung, LiveNow, PeerView, RequestOf, ResponseOf, RoomView, ServerEvent, ServerEventPayload } from '@roomcast/shared';
import type { types } from 'mediasoup-client';
import type { ApiError, ClientErrorCode } from '../api/errors';
import type { AckEmitter } from '../api/socket';
import type { Direction, JoinSession } from './join-session';
import type { RoomStatus } from './room-state';

/** The socket surface a room uses; socket.io's typed Socket satisfies it at runtime. */
export interface RoomSocket extends AckEmitter {
  readonly active: boolean;
  readonly connected: boolean;
  // socket.io's `on` is generic over its event map; this plain shape lets a test fake stand in.
  on(event: string, listener: (...args: any[]) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

/** What every use of a room shows: who is there and how the connection is doing. */
export interface ConnectionState {
  status: RoomStatus;
  /** Words for a person, beside the status. */
  message: string;
  error: { code: ClientErrorCode; message: string } | null;
  room: RoomView | null;
  self: PeerView | null;
  /** Other peers in the room, in join order. */
  peers: PeerView[];
  activeSpeakerId: string | null;
  levels: Record<string, number>;
  /** Moderated room: a moderator-muted person waits to be allowed before unmuting. */
  moderated: boolean;
  /** A refusal or other news a person should read (moderation, a request that failed for good). */
  notice: string | null;
  /** A channel this account follows went live (pushed to every room connection of the account). */
  liveNow: LiveNow | null;
}

export type TransportState = types.ConnectionState | 'none';
export type { Direction };

/** The media links of the current join, as the page shows them. */
export interface LinkState {
  transports: Record<Direction, TransportState>;
  /** Which rung each transport connected on (direct / relay-udp / relay-tcp / relay-tls). */
  rungs: Record<Direction, LinkRung | null>;
}

export interface RequestOptions {
  /**
   * Retry with jittered backoff on `rate_limited`, `unavailable` and `timeout` (`true`), or only
   * on the first two (`'refused'`: for requests that must not be carried out twice).
   */
  retry?: boolean | 'refused';
}

/** What a media part may use of the room connection it is added to. */
export interface RoomContext {
  readonly roomId: string;
  /** The current join attempt, or null between attempts. */
  session(): JoinSession | null;
  closed(): boolean;
  request<E extends ClientRequest>(event: E, payload: RequestOf<E>, options?: RequestOptions): Promise<ResponseOf<E>>;
  /** Handles a server push; the payload has been checked against its schema. Call before start(). */
  on<E extends ServerEvent>(event: E, handler: (payload: ServerEventPayload<E>) => void): void;
  /** Shows a person news that is not an error of the whole room (`null` clears it). */
  notify(message: string | null): void;
  /** The attempt's media is down for good (ICE failed): rejoin, leaving first. */
  mediaFailed(session: JoinSession): void;
  /** A transport dropped and may come back by itself: say so. */
  mediaInterrupted(session: JoinSession): void;
  /** Every transport is back: say so. */
  mediaRecovered(session: JoinSession): void;
  /** Gives up until retry(). */
  fail(session: JoinSession, error: ApiError, message: string): void;
}

/**
 * One use's media, added to a room connection: the voice microphone, listening, data channels.
 * A part builds its objects on each join attempt's session, which closes them with itself.
 */
export interface RoomPart {
  /** The socket got through the server's checks for the first time: start slow local work now. */
  connected?(): void;
  /** Builds this part's media for one join attempt; a rejection fails the attempt. */
  join(session: JoinSession, joined: JoinResult): Promise<void>;
  /** The attempt's media is gone (a rejoin or a failure): forget what the page shows of it. */
  reset?(): void;
  /** The visit is over: release what outlives attempts (the microphone). */
  close?(): void;
}
