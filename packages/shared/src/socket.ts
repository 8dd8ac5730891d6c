import { z } from 'zod';
import { Id, JsonBlob, Role } from './common.js';
import { djEvents, djRequests } from './dj.js';
import { ErrorBody } from './errors.js';
import { RoomView, UserView } from './http.js';
import { LIMITS } from './limits.js';
import { VideoProgressEvent } from './videos.js';
import { ChatMessage, ChatReactions, ChatText, ControlLock, MessageId, PartyCommand, PartyPin, PartyPresence, PartySnapshot, PartyVideoEvent, PlaybackState, QueueItem, QueueOp, Reaction, ServerTime } from './party.js';
import { sfuMethods, ConsumerOptions, DataConsumerOptions, IceServer, MediaKind, SfuTransportOptions } from './sfu.js';

/**
 * socket.io between a browser and signaling. Requests carry an ack; the server answers every
 * one with `Ack` — success or a typed error — and never throws at the client.
 */

export const Ack = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: ErrorBody })]);
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Sent in the handshake (`auth`); the session itself comes from the httpOnly cookie. */
export const Handshake = z.object({ protocolVersion: z.number().int() });
export type Handshake = z.infer<typeof Handshake>;

/**
 * A peer's microphone as the server knows it: `none` before it publishes (or when it has no
 * microphone), `live` while its producer runs, `muted` while its producer is paused.
 */
export const MicState = z.enum(['none', 'live', 'muted']);
export type MicState = z.infer<typeof MicState>;

export const PeerView = z.object({
  peerId: z.string(),
  userId: z.string(),
  displayName: z.string(),
  role: Role,
  isGuest: z.boolean(),
  mic: MicState.default('none'),
  /** Muted by the room's owner or an admin; in a moderated room only they can lift it. */
  moderatorMuted: z.boolean().default(false),
});
export type PeerView = z.infer<typeof PeerView>;

export const ProducerInfo = z.object({ producerId: z.string(), peerId: z.string(), kind: MediaKind, paused: z.boolean() });
export type ProducerInfo = z.infer<typeof ProducerInfo>;

export const JoinResult = z.object({
  room: RoomView,
  self: PeerView,
  peers: z.array(PeerView),
  producers: z.array(ProducerInfo),
  routerRtpCapabilities: JsonBlob,
  /** Whether moderator-muted people must wait to be allowed before unmuting. */
  moderated: z.boolean().default(false),
  activeSpeakerId: z.string().nullable().default(null),
  /** A watch room's party: its video, clock, presence, queue and chat tail. */
  party: PartySnapshot.optional(),
});
export type JoinResult = z.infer<typeof JoinResult>;

/**
 * A transport as the browser gets it: the SFU's options, the ICE servers (short-lived TURN
 * credentials) and connect timeout signaling adds, and for a receive transport created with
 * the device's capabilities, consumers of everything already published in the room.
 */
export const TransportOptions = SfuTransportOptions.extend({
  iceServers: z.array(IceServer).max(16).optional(),
  /** How long the client waits for this transport to connect before it gives up. */
  connectTimeoutMs: z.number().int().positive().optional(),
  consumers: z.array(ConsumerOptions).max(LIMITS.batch).optional(),
});
export type TransportOptions = z.infer<typeof TransportOptions>;

// The client never names its room or peer: the server knows them from the session.
const scope = { roomId: true, peerId: true } as const;
const Empty = z.object({});

export const clientRequests = {
  /** `pin`: a watch party's PIN, when it has one. */
  'room:join': { request: z.object({ roomId: Id, pin: PartyPin.optional() }), response: JoinResult },
  'room:leave': { request: Empty, response: Empty },
  'sfu:createTransport': { request: sfuMethods['transport.create'].params.omit(scope), response: TransportOptions },
  'sfu:connectTransport': { request: sfuMethods['transport.connect'].params.omit(scope), response: Empty },
  /** New ICE parameters, and fresh TURN credentials: a call that outlives its credentials reconnects through TURN. */
  'sfu:restartIce': {
    request: sfuMethods['transport.restartIce'].params.omit(scope),
    response: sfuMethods['transport.restartIce'].result.extend({ iceServers: TransportOptions.shape.iceServers }),
  },
  'sfu:produce': { request: sfuMethods['producer.create'].params.omit(scope), response: sfuMethods['producer.create'].result },
  'sfu:pauseProducer': { request: sfuMethods['producer.pause'].params.omit(scope), response: Empty },
  'sfu:resumeProducer': { request: sfuMethods['producer.resume'].params.omit(scope), response: Empty },
  'sfu:closeProducer': { request: sfuMethods['producer.close'].params.omit(scope), response: Empty },
  /** Resumes consumers the page has wired up (those the recv transport or `consumer:new` brought). */
  'sfu:resumeConsumers': { request: sfuMethods['consumer.resumeMany'].params.omit(scope), response: Empty },
  'sfu:produceData': { request: sfuMethods['dataProducer.create'].params.omit(scope), response: sfuMethods['dataProducer.create'].result },
  'sfu:consumeData': { request: sfuMethods['dataConsumer.create'].params.omit(scope), response: DataConsumerOptions },
  // Moderation: only the room's owner or an admin; anyone else gets `forbidden`.
  /** Pauses the peer's microphone on the server and tells the room. */
  'mod:mutePeer': { request: z.object({ peerId: Id }), response: Empty },
  /** Lets a moderator-muted peer unmute again (it stays muted until it does). */
  'mod:allowUnmute': { request: z.object({ peerId: Id }), response: Empty },
  /** Disconnects the peer from the room and refuses its account there until the ban expires. */
  'mod:removePeer': { request: z.object({ peerId: Id }), response: z.object({ bannedUntil: z.string() }) },
  'mod:setModerated': { request: z.object({ moderated: z.boolean() }), response: Empty },
  // Watch parties (members of a watch room).
  /** One clock sample: the server's time when it handled the request (NTP-style, client keeps the min-RTT one). */
  'party:time': { request: Empty, response: z.object({ serverTime: ServerTime }) },
  /** Play, pause, seek, rate: only the host, or everyone while controls are open. */
  'party:command': { request: PartyCommand, response: z.object({ state: PlaybackState }) },
  'party:chat': { request: z.object({ id: MessageId, text: ChatText }), response: z.object({ message: ChatMessage }) },
  /** This member's video is buffering (or ready again): the party waits for it. */
  'party:buffering': { request: z.object({ buffering: z.boolean() }), response: Empty },
  /** This member cannot reach some member over the mesh (true), or reaches all again: voice then goes through the SFU. */
  'party:meshFailed': { request: z.object({ failed: z.boolean() }), response: Empty },
  /** The host deletes a chat message for everyone. */
  'party:deleteChat': { request: z.object({ id: MessageId }), response: Empty },
  /** Adds (`on`) or takes back one's reaction to a chat message; answers the message's reactions. */
  'party:react': { request: z.object({ id: MessageId, emoji: Reaction, on: z.boolean() }), response: z.object({ reactions: ChatReactions }) },
  /** The host gives the role to another member. */
  'party:handover': { request: z.object({ peerId: Id }), response: Empty },
  /** The host locks playback controls to itself or opens them to everyone. */
  'party:controls': { request: z.object({ controls: ControlLock }), response: Empty },
  /** Add, remove, move, next: anyone with control rights; `add` only a video the caller may watch. */
  'party:queue': { request: QueueOp, response: z.object({ queue: z.array(QueueItem) }) },
  // Live DJ channels (dj.ts).
  ...djRequests,
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type ClientRequest = keyof typeof clientRequests;
export type RequestOf<E extends ClientRequest> = z.input<(typeof clientRequests)[E]['request']>;
export type ResponseOf<E extends ClientRequest> = z.infer<(typeof clientRequests)[E]['response']>;

/** Events the server pushes. */
export const serverEvents = {
  'peer:joined': PeerView,
  'peer:left': z.object({ peerId: z.string() }),
  /** A peer's details changed (microphone state, moderator mute); sent to everyone, the peer included. */
  'peer:updated': PeerView,
  'producer:new': ProducerInfo,
  /**
   * Consumers the server created for this connection's receive transport (paused) when others
   * published: wire them, then `sfu:resumeConsumers`. The newcomer never asks per producer.
   */
  'consumer:new': z.object({ consumers: z.array(ConsumerOptions).min(1).max(LIMITS.batch) }),
  'producer:closed': z.object({ producerId: z.string(), peerId: z.string() }),
  'consumer:closed': z.object({ consumerId: z.string() }),
  'room:activeSpeaker': z.object({ peerId: z.string().nullable() }),
  'room:audioLevels': z.object({ levels: z.array(z.object({ peerId: z.string(), volume: z.number() })) }),
  /** The media path was lost (SFU worker died) and rebuilt: join again, no reload needed. */
  'room:rejoin': z.object({ reason: z.string() }),
  /** An event the server could not take (unknown name, bad payload without an ack). */
  'protocol:error': z.object({ event: z.string(), error: ErrorBody }),
  /** The room's moderation setting changed. */
  'room:moderation': z.object({ moderated: z.boolean() }),
  /** This connection was removed from the room by a moderator; a rejoin is refused until `bannedUntil`. */
  'room:removed': z.object({ reason: z.string(), bannedUntil: z.string() }),
  /** The room was closed for good (by its owner or an admin). */
  'room:closed': z.object({ reason: z.string() }),
  /** This connection's session ended (signed out, account disabled or deleted): it is closed next. */
  'session:ended': z.object({ reason: z.string() }),
  /** This connection's account changed (role, name); what it may do follows at once. */
  'session:updated': z.object({ user: UserView }),
  /** Processing of one of this account's videos moved on (to every connection of the owner). */
  'video:progress': VideoProgressEvent,
  /** The party's clock changed (a command took effect at `state.at`). */
  'party:state': PlaybackState,
  'party:presence': PartyPresence,
  'party:chat': ChatMessage,
  'party:chatDeleted': z.object({ id: MessageId }),
  'party:reactions': z.object({ id: MessageId, reactions: ChatReactions }),
  'party:queue': z.object({ queue: z.array(QueueItem) }),
  /** The party moved on to another video (queue `next`). */
  'party:video': PartyVideoEvent,
  /** The server is shutting down; reconnect later. */
  'server:shutdown': z.object({ reason: z.string() }),
  ...djEvents,
} as const satisfies Record<string, z.ZodType>;

export type ServerEvent = keyof typeof serverEvents;
export type ServerEventPayload<E extends ServerEvent> = z.infer<(typeof serverEvents)[E]>;

/** socket.io typings for both ends. */
export type ClientToServerEvents = {
  [E in ClientRequest]: (request: RequestOf<E>, ack: (response: Ack<ResponseOf<E>>) => void) => void;
};
export type ServerToClientEvents = { [E in ServerEvent]: (payload: ServerEventPayload<E>) => void };
