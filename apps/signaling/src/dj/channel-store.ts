// Live DJ persistence: channels, broadcasts (scheduled, live, ended) and their chat, in plain
// types. Callers never see Prisma; `PrismaChannelStore` serves both providers.
import type { BroadcastStatus, BroadcastView, ChannelLink, ChannelView, ChatMessageView } from '@roomcast/shared';

export interface Channel {
  id: string;
  ownerId: string;
  ownerName: string;
  handle: string;
  title: string;
  description: string;
  links: ChannelLink[];
  artworkUrl: string | null;
  roomId: string;
}

export type ChannelFields = Pick<Channel, 'handle' | 'title' | 'description' | 'links' | 'artworkUrl'>;

export interface Broadcast {
  id: string;
  channelId: string;
  title: string;
  description: string;
  status: BroadcastStatus;
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  peakListeners: number;
  likes: number;
  /** The recording's file name in the archives folder, or null. */
  archiveFile: string | null;
  published: boolean;
}

export interface ChatMessage {
  id: string;
  broadcastId: string;
  userId: string;
  displayName: string;
  text: string;
  createdAt: Date;
}

export interface Page<T> {
  items: T[];
  /** The id to pass as `cursor` for the next page, or null at the end. */
  next: string | null;
}

export interface ChannelStore {
  /** @throws DuplicateError when the handle or the owner's channel exists ('handle' | 'ownerId'). */
  create(input: ChannelFields & { id: string; ownerId: string; roomId: string }): Promise<Channel>;
  /** @throws DuplicateError when the new handle is taken. @returns null when the owner has no channel. */
  update(ownerId: string, fields: ChannelFields): Promise<Channel | null>;
  findByHandle(handle: string): Promise<Channel | null>;
  findByOwner(ownerId: string): Promise<Channel | null>;
  findByRoom(roomId: string): Promise<Channel | null>;

  /** The broadcast on air, if any. */
  live(channelId: string): Promise<Broadcast | null>;
  /** Goes on air; a broadcast left `live` (a crash) is ended first, so there is only ever one. */
  startLive(channelId: string, input: { id: string; title: string; at: Date }): Promise<Broadcast>;
  /** Ends the live broadcast with its final numbers. @returns null when none was live. */
  endLive(channelId: string, final: { at: Date; peakListeners: number; likes: number }): Promise<Broadcast | null>;
  schedule(channelId: string, input: { id: string; title: string; description: string; start: Date; end: Date }): Promise<Broadcast>;
  countUpcoming(channelId: string, now: Date): Promise<number>;
  /** Scheduled broadcasts not yet over, soonest first. */
  upcoming(channelId: string, now: Date, page: { cursor?: string | undefined; limit: number }): Promise<Page<Broadcast>>;
  /** Ended broadcasts, latest first. */
  past(channelId: string, page: { cursor?: string | undefined; limit: number }): Promise<Page<Broadcast>>;
  findBroadcast(id: string): Promise<Broadcast | null>;
  /** Ended broadcasts with a recording, latest first; `all` includes those not published. */
  archives(channelId: string, all: boolean, page: { cursor?: string | undefined; limit: number }): Promise<Page<Broadcast>>;
  /** Records the broadcast's recording (hidden until published). */
  setArchive(broadcastId: string, file: string): Promise<void>;
  editArchive(broadcastId: string, patch: { title?: string | undefined; description?: string | undefined; published?: boolean | undefined }): Promise<Broadcast | null>;
  /** Forgets the recording; answers its file name (to delete), or null when there was none. */
  dropArchive(broadcastId: string): Promise<string | null>;

  addChat(input: Omit<ChatMessage, 'createdAt'>): Promise<ChatMessage>;
  /** Marks the message deleted. @returns false when it is not in that broadcast or already gone. */
  deleteChat(broadcastId: string, messageId: string): Promise<boolean>;
  /** The first `limit` messages not deleted, oldest first (an archive's replay). */
  chatLog(broadcastId: string, limit: number): Promise<ChatMessage[]>;
  /** The latest `limit` messages not deleted, oldest first. */
  recentChat(broadcastId: string, limit: number): Promise<ChatMessage[]>;
  findChat(messageId: string): Promise<ChatMessage | null>;
  ban(channelId: string, userId: string): Promise<void>;
  isBanned(channelId: string, userId: string): Promise<boolean>;
  /** Records one like of a live broadcast at its time (`id` orders them). */
  addLike(input: { id: string; broadcastId: string; userId: string; at: Date }): Promise<void>;
  /** When the broadcast's likes were given, oldest first, at most `limit`. */
  likeLog(broadcastId: string, limit: number): Promise<Date[]>;
  /** Follows the channel (or changes whether to email); false when the account follows `cap` channels already. */
  follow(channelId: string, userId: string, email: boolean, cap: number): Promise<boolean>;
  unfollow(channelId: string, userId: string): Promise<void>;
  following(channelId: string, userId: string): Promise<{ email: boolean } | null>;
  /** Followers by user id (`next` is the last one's id), each with a confirmed address when they asked for email. */
  followers(channelId: string, page: { cursor?: string | undefined; limit: number }): Promise<Page<Follower>>;
}

export interface Follower {
  userId: string;
  displayName: string;
  /** The confirmed address to tell, when the follower asked for email; null otherwise. */
  email: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const broadcastView = (b: Broadcast): BroadcastView => ({
  id: b.id,
  channelId: b.channelId,
  title: b.title,
  description: b.description,
  status: b.status,
  scheduledStart: iso(b.scheduledStart),
  scheduledEnd: iso(b.scheduledEnd),
  startedAt: iso(b.startedAt),
  endedAt: iso(b.endedAt),
  peakListeners: b.peakListeners,
  likes: b.likes,
  archived: b.archiveFile !== null,
  published: b.published,
});

export const channelView = (c: Channel, live: Broadcast | null): ChannelView => ({
  id: c.id,
  handle: c.handle,
  ownerId: c.ownerId,
  ownerName: c.ownerName,
  title: c.title,
  description: c.description,
  links: c.links,
  artworkUrl: c.artworkUrl,
  roomId: c.roomId,
  live: live ? broadcastView(live) : null,
});

export const chatView = (m: ChatMessage): ChatMessageView => ({
  id: m.id,
  userId: m.userId,
  displayName: m.displayName,
  text: m.text,
  at: m.createdAt.toISOString(),
});
