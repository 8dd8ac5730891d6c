import { z } from 'zod';
import { Id } from './common.js';
import { IceServer } from './sfu.js';
import { PlayableVideo } from './videos.js';

/**
 * Watch parties: a room of kind `watch` plus the party's shared state (host, control lock,
 * playback clock, queue, chat tail). The server is the authority for all of it; the members'
 * PeerJS mesh only carries copies of commands and chat faster. Every message on the mesh is
 * validated here by the receiving peer, as every socket.io message is by the server.
 */

export const PARTY = {
  /** Digits of an optional party PIN. */
  pin: { min: 4, max: 12 },
  /** Wrong PINs one person may try per party before a lockout. */
  pinAttemptsPerPerson: 5,
  /** Wrong PINs anyone may try per party (guests are cheap) before the party locks PIN entry. */
  pinAttemptsPerParty: 50,
  /** How long wrong attempts are remembered, and how long a lockout lasts. */
  pinWindowMs: 10 * 60_000,
  pinLockoutMs: 15 * 60_000,
  chatText: { min: 1, max: 500 },
  /** Chat messages the server keeps for late joiners. */
  chatTail: 100,
  /** The reactions a chat message can get: a fixed set, so a reaction is a choice and never more text. */
  reactions: ['👍', '❤️', '😂', '😮', '👏', '🎉'],
  /** Reactions one person may add or remove per 10 s. */
  reactionsPer10s: 30,
  /** The ceiling of WATCH_MAX_MEMBERS (members of one party). */
  maxMembers: 100,
  /** Videos waiting in one party's queue. */
  queue: 50,
  /** Largest data-channel message, checked before parsing. */
  meshMessageBytes: 4 * 1024,
  /** Longest video position accepted (seconds): a day. */
  maxPositionS: 24 * 3600,
  rate: { min: 0.25, max: 2 },
  /**
   * A command's effect time may lie this far in the past (it crossed a slow link) or future
   * (the sender's lead); the server clamps anything outside.
   */
  effectWindowMs: { past: 2_000, future: 3_000 },
  /** The lead a commanding member gives its command, so every member applies it together. */
  commandLeadMs: 200,
  /**
   * Voice goes peer to peer (PeerJS media calls over the mesh) up to this many members; past
   * it, every member's upload would grow with the party, so voice moves to the SFU. The
   * default of PARTY_MESH_VOICE_MAX (each party keeps the value it was created with).
   */
  meshVoiceMax: 4,
} as const;

/**
 * Drift control, in one place for every member (and the bench). Below `deadbandMs` nothing
 * is done; up to `seekBeyondMs` the member nudges its playbackRate in proportion (never more
 * than `maxNudge` from the party's rate) so the error closes in about `closeInS`; beyond it,
 * it seeks (aiming `seekAheadMs` ahead, the time a seek takes). A rate nudge stays on until
 * drift falls under `releaseMs` (< deadband): hysteresis, so it never oscillates.
 */
export const SYNC = {
  deadbandMs: 25,
  releaseMs: 8,
  seekBeyondMs: 400,
  maxNudge: 0.1,
  closeInS: 1.5,
  seekAheadMs: 80,
  /** A member whose video cannot play for this long while the party plays asks the party to wait. */
  stallReportMs: 600,
  /** After a seek, drift is not measured for this long (the element is still settling). */
  settleMs: 500,
  /** Time-sync exchanges at join, and one every this often afterwards. */
  timeSamples: 8,
  timeResyncMs: 15_000,
} as const;

export const PartyPin = z.string().regex(new RegExp(`^[0-9]{${PARTY.pin.min},${PARTY.pin.max}}$`), `a PIN is ${PARTY.pin.min} to ${PARTY.pin.max} digits`);

/** Ids the clients choose for commands and chat (to de-duplicate mesh and server copies). */
export const MessageId = z.string().regex(/^[A-Za-z0-9_-]{8,32}$/, 'message id: 8 to 32 url-safe characters');

/** The mesh id a member's PeerJS client registers under (PeerJS ids are alphanumeric). */
export const MeshId = z.string().regex(/^[a-z0-9]{16,40}$/);

export const PlaybackRate = z.number().min(PARTY.rate.min).max(PARTY.rate.max);
export const Position = z.number().min(0).max(PARTY.maxPositionS);
/** Server epoch milliseconds. */
export const ServerTime = z.number().int().nonnegative();

/**
 * The party's clock: the video position `position` (seconds) at server time `at` (ms), moving
 * at `rate` unless paused. Each change bumps `seq`; a member keeps the highest it has seen.
 */
export const PlaybackState = z.object({
  videoId: Id,
  paused: z.boolean(),
  rate: PlaybackRate,
  position: Position,
  at: ServerTime,
  seq: z.number().int().nonnegative(),
  /** The command that made this state (absent for the initial one and the server's own). */
  commandId: MessageId.optional(),
  /**
   * Members whose video is buffering: while any is, the party is paused for them and resumes
   * by itself (everyone at once) when the last is ready. An explicit command ends the wait.
   */
  waitingFor: z.array(z.string().max(64)).max(100).optional(),
});
export type PlaybackState = z.infer<typeof PlaybackState>;

const commandBase = { id: MessageId, effectAt: ServerTime };
export const PartyCommand = z.discriminatedUnion('action', [
  z.object({ ...commandBase, action: z.literal('play') }),
  z.object({ ...commandBase, action: z.literal('pause') }),
  z.object({ ...commandBase, action: z.literal('seek'), position: Position }),
  z.object({ ...commandBase, action: z.literal('rate'), rate: PlaybackRate }),
]);
export type PartyCommand = z.infer<typeof PartyCommand>;

/** A command's effect time, clamped to the window around `now` (the server's, or a peer's reading of it). */
export const clampEffect = (effectAt: number, now: number): number =>
  Math.min(Math.max(effectAt, now - PARTY.effectWindowMs.past), now + PARTY.effectWindowMs.future);

/** Where the video is at server time `t` (seconds), by the state's clock. */
export function positionAt(state: Pick<PlaybackState, 'paused' | 'rate' | 'position' | 'at'>, t: number): number {
  if (state.paused) return state.position;
  return Math.max(0, state.position + ((t - state.at) / 1000) * state.rate);
}

/**
 * The state a command leads to, the same on the server and on every member, so a member that
 * got the command over the mesh lands where the server's copy will put it.
 */
export function applyCommand(state: PlaybackState, command: PartyCommand): PlaybackState {
  const at = command.effectAt;
  const now = Math.min(positionAt(state, at), PARTY.maxPositionS);
  const { waitingFor: _ended, ...rest } = state;
  const next = { ...rest, at, position: now, seq: state.seq + 1, commandId: command.id };
  switch (command.action) {
    case 'play':
      return { ...next, paused: false };
    case 'pause':
      return { ...next, paused: true };
    case 'seek':
      return { ...next, position: command.position };
    case 'rate':
      return { ...next, rate: command.rate };
  }
}

export const ChatText = z
  .string()
  .trim()
  .min(PARTY.chatText.min, 'say something')
  .max(PARTY.chatText.max, `chat messages are at most ${PARTY.chatText.max} characters`);

export const Reaction = z.enum(PARTY.reactions);
export type Reaction = z.infer<typeof Reaction>;

/** Who reacted to a message with what: user ids (so a rejoin keeps one's reactions) per reaction. */
export const ChatReactions = z.partialRecord(Reaction, z.array(Id).max(PARTY.maxMembers));
export type ChatReactions = z.infer<typeof ChatReactions>;

/** A chat message as everyone sees it; the author is the server's word, never the sender's. */
export const ChatMessage = z.object({
  id: MessageId,
  peerId: z.string(),
  displayName: z.string(),
  text: z.string().max(PARTY.chatText.max),
  /** Server epoch ms. */
  at: ServerTime,
  reactions: ChatReactions.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** One person's reaction added (`on`) or taken back: the rule the server and every page apply. */
export function withReaction(reactions: ChatReactions | undefined, emoji: Reaction, userId: string, on: boolean): ChatReactions {
  const by = reactions?.[emoji] ?? [];
  if (by.includes(userId) === on) return reactions ?? {};
  const next = on ? [...by, userId] : by.filter((id) => id !== userId);
  const { [emoji]: _, ...others } = reactions ?? {};
  return next.length ? { ...others, [emoji]: next } : others;
}

/** Who may play, pause, seek and change the rate. */
export const ControlLock = z.enum(['host', 'everyone']);
export type ControlLock = z.infer<typeof ControlLock>;

export const PartyMember = z.object({
  peerId: z.string(),
  userId: z.string(),
  displayName: z.string(),
  meshId: MeshId,
});
export type PartyMember = z.infer<typeof PartyMember>;

/** How the party talks: `mesh` (peer to peer) or `sfu`; the server decides, so all switch together. */
export const VoiceMode = z.enum(['mesh', 'sfu']);
export type VoiceMode = z.infer<typeof VoiceMode>;

/** The voice mode for a party of `members` (the one rule, for the server and tests). */
export const voiceModeFor = (members: number, meshVoiceMax: number = PARTY.meshVoiceMax): VoiceMode => (members <= meshVoiceMax ? 'mesh' : 'sfu');

/**
 * Who is here, who hosts, who may control, how voice goes: sent whole on every change (parties
 * are small). `rev` orders the lists: a push can cross a join's answer or outlive a rejoin, and
 * a member keeps only a list newer than the one it has.
 */
export const PartyPresence = z.object({
  rev: z.number().int().nonnegative(),
  hostPeerId: z.string().nullable(),
  controls: ControlLock,
  members: z.array(PartyMember).max(PARTY.maxMembers),
  voice: VoiceMode,
});
export type PartyPresence = z.infer<typeof PartyPresence>;

export const QueueItem = z.object({ videoId: Id, title: z.string() });
export type QueueItem = z.infer<typeof QueueItem>;

/** Everything a member needs on joining (part of the `room:join` answer for a watch room). */
export const PartySnapshot = z.object({
  video: PlayableVideo,
  state: PlaybackState,
  presence: PartyPresence,
  queue: z.array(QueueItem).max(PARTY.queue),
  chat: z.array(ChatMessage).max(PARTY.chatTail),
  /** This member's own mesh id. */
  meshId: MeshId,
  /** For the PeerJS mesh: short-lived TURN credentials, as with every transport. */
  iceServers: z.array(IceServer).max(16).optional(),
  /** Server epoch ms when the snapshot was taken (a first, rough clock offset). */
  serverTime: ServerTime,
});
export type PartySnapshot = z.infer<typeof PartySnapshot>;

export const QueueOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), videoId: Id }),
  z.object({ op: z.literal('remove'), videoId: Id }),
  z.object({ op: z.literal('move'), videoId: Id, index: z.number().int().min(0).max(PARTY.queue - 1) }),
  /** Plays the queue's first video now (it leaves the queue). */
  z.object({ op: z.literal('next') }),
]);
export type QueueOp = z.infer<typeof QueueOp>;

/** What the party plays changed: the new video and the state starting it. */
export const PartyVideoEvent = z.object({ video: PlayableVideo, state: PlaybackState, queue: z.array(QueueItem).max(PARTY.queue) });
export type PartyVideoEvent = z.infer<typeof PartyVideoEvent>;

// ---- HTTP ----

/** POST /api/parties */
export const CreatePartyBody = z.object({ videoId: Id, pin: PartyPin.optional() });
export type CreatePartyBody = z.input<typeof CreatePartyBody>;

/** What anyone signed in learns before joining: enough for the join page, nothing about the video's files. */
export const PartyInfo = z.object({
  roomId: Id,
  name: z.string(),
  hasPin: z.boolean(),
  /** Whether the caller must give the PIN (its creator need not). */
  needsPin: z.boolean(),
  members: z.number().int().nonnegative(),
  /** The path to share (`/party/<roomId>`). */
  sharePath: z.string(),
});
export type PartyInfo = z.infer<typeof PartyInfo>;
export const PartyResponse = z.object({ party: PartyInfo });
export type PartyResponse = z.infer<typeof PartyResponse>;

export const partyPath = (roomId: string): string => `/party/${encodeURIComponent(roomId)}`;

// ---- the mesh (PeerJS data channels) ----

/**
 * A message from one member to another over their data channel. The receiver checks the
 * sender may control (the server's presence list) and drops ids it has seen.
 */
export const MeshMessage = z.discriminatedUnion('type', [
  /** `seq`: the state the sender applied it to; a receiver at another state waits for the server's copy. */
  z.object({ type: z.literal('command'), command: PartyCommand, seq: z.number().int().nonnegative() }),
  z.object({ type: z.literal('chat'), id: MessageId, text: ChatText, at: ServerTime }),
  z.object({ type: z.literal('react'), id: MessageId, emoji: Reaction, on: z.boolean() }),
  /** How far this member's player is from the party clock (ms; null: not measured), for the others' presence list. */
  z.object({ type: z.literal('status'), driftMs: z.number().min(-1e7).max(1e7).nullable() }),
  /** Round-trip probe: how the UI knows the link is alive. */
  z.object({ type: z.literal('ping'), t: z.number() }),
  z.object({ type: z.literal('pong'), t: z.number() }),
]);
export type MeshMessage = z.infer<typeof MeshMessage>;

/** Parses a raw data-channel payload, refusing anything too big before it is decoded. */
export function parseMeshMessage(raw: unknown): MeshMessage | undefined {
  if (typeof raw !== 'string' || raw.length > PARTY.meshMessageBytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = MeshMessage.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
