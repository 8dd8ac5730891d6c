import { z } from 'zod';
import { Id } from './common.js';
import { LIMITS } from './limits.js';

/**
 * Live DJ: channels, broadcasts, the live counts push, likes, chat and schedules. HTTP bodies,
 * socket.io requests/pushes and the chat data-channel messages, each bounded in size.
 */

const D = LIMITS.dj;

/** `/c/<handle>`: lower-case letters, digits, `-` and `_`, starting with a letter or digit. */
export const ChannelHandle = z
  .string()
  .trim()
  .toLowerCase()
  .min(D.handle.min)
  .max(D.handle.max)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'letters, digits, - and _ only, starting with a letter or digit');

const HttpUrl = z
  .string()
  .trim()
  .max(D.linkUrl.max)
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http(s) address');

export const ChannelLink = z.object({
  label: z.string().trim().min(1).max(D.linkLabel.max),
  url: HttpUrl,
});
export type ChannelLink = z.infer<typeof ChannelLink>;

/** PUT /api/channels/mine: creates or edits the broadcaster's own channel. */
export const ChannelBody = z.object({
  handle: ChannelHandle,
  title: z.string().trim().min(D.title.min).max(D.title.max),
  description: z.string().trim().max(D.description.max).default(''),
  links: z.array(ChannelLink).max(D.links).default([]),
  /** An image address (artwork); http(s) only, so a page never loads script or data URLs. */
  artworkUrl: HttpUrl.nullable().default(null),
});
export type ChannelBody = z.input<typeof ChannelBody>;

/** Live numbers of a broadcast: listeners now, the most at once, likes so far. */
export const DjCounts = z.object({
  listeners: z.number().int().nonnegative(),
  peak: z.number().int().nonnegative(),
  likes: z.number().int().nonnegative(),
});
export type DjCounts = z.infer<typeof DjCounts>;

export const BroadcastStatus = z.enum(['scheduled', 'live', 'ended']);
export type BroadcastStatus = z.infer<typeof BroadcastStatus>;

export const BroadcastView = z.object({
  id: z.string(),
  channelId: z.string(),
  title: z.string(),
  description: z.string(),
  status: BroadcastStatus,
  scheduledStart: z.string().nullable(),
  scheduledEnd: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  peakListeners: z.number().int().nonnegative(),
  likes: z.number().int().nonnegative(),
  /** A recording of it exists (its owner sees it; others only once published). */
  archived: z.boolean().default(false),
  published: z.boolean().default(false),
});
export type BroadcastView = z.infer<typeof BroadcastView>;

export const ChannelView = z.object({
  id: z.string(),
  handle: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  title: z.string(),
  description: z.string(),
  links: z.array(ChannelLink),
  artworkUrl: z.string().nullable(),
  /** The channel's DJ room: the studio and every listener join it. */
  roomId: z.string(),
  /** The broadcast on air, or null. */
  live: BroadcastView.nullable(),
});
export type ChannelView = z.infer<typeof ChannelView>;

export const ChannelResponse = z.object({ channel: ChannelView });
export type ChannelResponse = z.infer<typeof ChannelResponse>;

/** POST /api/channels/:handle/schedule (the owner). */
export const ScheduleBody = z
  .object({
    title: z.string().trim().min(D.title.min).max(D.title.max),
    description: z.string().trim().max(D.description.max).default(''),
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
  })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'the end must be after the start', path: ['end'] })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= D.maxScheduledHours * 3_600_000, {
    message: `a broadcast lasts at most ${D.maxScheduledHours} hours`,
    path: ['end'],
  });
export type ScheduleBody = z.input<typeof ScheduleBody>;

/** A page of broadcasts (upcoming or past); `next` is the cursor of the following page. */
export const BroadcastPage = z.object({ broadcasts: z.array(BroadcastView), next: z.string().nullable() });
export type BroadcastPage = z.infer<typeof BroadcastPage>;

export const PageQuery = z.object({
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(D.pageSize).default(D.pageSize),
});

/** PATCH /api/channels/:handle/archives/:id (the owner): edit, publish or hide an archive. */
export const ArchiveEditBody = z
  .object({
    title: z.string().trim().min(D.title.min).max(D.title.max).optional(),
    description: z.string().trim().max(D.description.max).optional(),
    published: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');
export type ArchiveEditBody = z.input<typeof ArchiveEditBody>;

export const DjChatText = z
  .string()
  .trim()
  .min(1, 'say something')
  .max(D.chatChars, `at most ${D.chatChars} characters`)
  // Control characters (other than none at all) have no place in a chat line.
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'no control characters');

export const ChatMessageView = z.object({
  id: z.string(),
  userId: z.string(),
  displayName: z.string(),
  text: z.string(),
  at: z.string(),
});
export type ChatMessageView = z.infer<typeof ChatMessageView>;

/** GET /api/channels/:handle/archives/:id/chat: the broadcast's chat, oldest first, to replay beside the audio. */
export const ChatReplay = z.object({ messages: z.array(ChatMessageView).max(D.chatReplay) });
export type ChatReplay = z.infer<typeof ChatReplay>;

/** GET /api/channels/:handle/archives/:id/likes: when each like was given, oldest first, to replay beside the audio. */
export const LikeReplay = z.object({ likes: z.array(z.object({ at: z.string() })).max(D.likeReplay) });
export type LikeReplay = z.infer<typeof LikeReplay>;

/**
 * What the server sends on the channel's chat data channel (one server-owned DataProducer that
 * every listener consumes). JSON text, at most LIMITS.dj.chatWireBytes.
 */
export const ChatWire = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: ChatMessageView }),
  z.object({ type: z.literal('delete'), id: z.string() }),
]);
export type ChatWire = z.infer<typeof ChatWire>;

/** Parses a chat data-channel message (text or bytes), refusing anything too big before it is decoded. */
export function parseChatWire(raw: unknown): ChatWire | undefined {
  const text = typeof raw === 'string' ? raw : raw instanceof ArrayBuffer || ArrayBuffer.isView(raw) ? raw : undefined;
  // The cap is in characters; as UTF-8 bytes a character takes up to 4.
  if (text === undefined || (typeof text === 'string' ? text.length : text.byteLength / 4) > LIMITS.dj.chatWireBytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text as ArrayBuffer));
  } catch {
    return undefined;
  }
  const parsed = ChatWire.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** PUT /api/channels/:handle/follow (a signed-in account): follow, and whether to be emailed too. */
export const FollowBody = z.object({ email: z.boolean().default(false) });
export type FollowBody = z.input<typeof FollowBody>;

/** GET/PUT /api/channels/:handle/follow: whether the caller follows the channel. */
export const FollowState = z.object({ following: z.boolean(), email: z.boolean() });
export type FollowState = z.infer<typeof FollowState>;

/** Pushed to every open connection of a follower when a followed channel goes live. */
export const LiveNow = z.object({
  channel: z.object({ handle: z.string().max(D.handle.max), title: z.string().max(D.title.max) }),
  broadcast: z.object({ id: z.string(), title: z.string().max(D.title.max) }),
});
export type LiveNow = z.infer<typeof LiveNow>;

/** What a page needs once in a DJ room: the channel's live state and where its chat arrives. */
export const DjState = z.object({
  live: BroadcastView.nullable(),
  counts: DjCounts,
  /** The server's chat DataProducer in this room: consume it (`sfu:consumeData`). */
  chatDataProducerId: z.string(),
  /** The latest messages of the broadcast (oldest first), so a late listener sees the talk. */
  recentChat: z.array(ChatMessageView).max(D.chatTail),
  /** The studio's music encoding, from configuration. */
  audio: z.object({ bitrateKbps: z.number().int().positive() }),
});
export type DjState = z.infer<typeof DjState>;

/** socket.io requests of a DJ room (the room-kind table says who may make each). */
export const djRequests = {
  'dj:state': { request: z.object({}), response: DjState },
  /** The studio goes on air with its running producer. */
  'dj:goLive': {
    request: z.object({ title: z.string().trim().min(D.title.min).max(D.title.max).optional(), producerId: Id }),
    response: BroadcastView,
  },
  /** The studio, back on its live broadcast (a reload, a dropped connection), goes on with a new producer. */
  'dj:resume': { request: z.object({ producerId: Id }), response: BroadcastView },
  'dj:end': { request: z.object({}), response: BroadcastView },
  'dj:like': { request: z.object({}), response: z.object({ likes: z.number().int().nonnegative() }) },
  'dj:chat': { request: z.object({ text: DjChatText }), response: ChatMessageView },
  'dj:deleteChat': { request: z.object({ messageId: Id }), response: z.object({}) },
  /** Bars the author of a message from this channel's chat. */
  'dj:banChat': { request: z.object({ userId: Id }), response: z.object({}) },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Pushes of a DJ room. */
export const djEvents = {
  /** The broadcast went on air (or ended: `live` null). */
  'dj:live': z.object({ live: BroadcastView.nullable() }),
  /** Aggregated counts, at most twice a second per room. */
  'dj:counts': DjCounts,
  /** A channel the account follows went live (sent to the account's connections, in any room). */
  'dj:liveNow': LiveNow,
} as const satisfies Record<string, z.ZodType>;
