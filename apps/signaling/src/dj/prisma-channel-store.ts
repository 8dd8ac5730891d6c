// ChannelStore on Prisma (both providers; typed against the SQLite client, see db/prisma-stores.ts).
import { BroadcastStatus, ChannelLink } from '@roomcast/shared';
import { z } from 'zod';
import type { Broadcast as BroadcastRow, Channel as ChannelRow, ChatMessage as ChatRow, PrismaClient } from '../generated/sqlite/client.js';
import { InvalidValueError, mapDuplicate } from '../db/errors.js';
import type { Broadcast, Channel, ChannelFields, ChannelStore, ChatMessage, Follower, Page } from './channel-store.js';

const Links = z.array(ChannelLink);
const withOwner = { owner: { select: { displayName: true } } } as const;

function toChannel(row: ChannelRow & { owner: { displayName: string } }): Channel {
  // Written only through ChannelBody; a row that fails it was edited by hand: show no links.
  const links = Links.safeParse(JSON.parse(row.links || '[]'));
  return {
    id: row.id,
    ownerId: row.ownerId,
    ownerName: row.owner.displayName,
    handle: row.handle,
    title: row.title,
    description: row.description,
    links: links.success ? links.data : [],
    artworkUrl: row.artworkUrl,
    roomId: row.roomId,
  };
}

function toBroadcast(row: BroadcastRow): Broadcast {
  const status = BroadcastStatus.safeParse(row.status);
  if (!status.success) throw new InvalidValueError('broadcast status', row.status, BroadcastStatus.options.join(' | '));
  return {
    id: row.id,
    channelId: row.channelId,
    title: row.title,
    description: row.description,
    status: status.data,
    scheduledStart: row.scheduledStart,
    scheduledEnd: row.scheduledEnd,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    peakListeners: row.peakListeners,
    likes: row.likes,
    archiveFile: row.archiveFile,
    published: row.published,
  };
}

const toChat = (row: ChatRow): ChatMessage => ({
  id: row.id,
  broadcastId: row.broadcastId,
  userId: row.userId,
  displayName: row.displayName,
  text: row.text,
  createdAt: row.createdAt,
});

const fieldsData = (f: ChannelFields) => ({ handle: f.handle, title: f.title, description: f.description, links: JSON.stringify(f.links), artworkUrl: f.artworkUrl });

/** One page of rows plus the cursor of the next (we fetch one extra to know there is one). */
function paged<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items.at(-1)!.id : null };
}
const cursorArgs = (cursor: string | undefined): { cursor?: { id: string }; skip?: number } => (cursor ? { cursor: { id: cursor }, skip: 1 } : {});

export class PrismaChannelStore implements ChannelStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: ChannelFields & { id: string; ownerId: string; roomId: string }): Promise<Channel> {
    const row = await mapDuplicate(() =>
      this.prisma.channel.create({ data: { id: input.id, ownerId: input.ownerId, roomId: input.roomId, ...fieldsData(input) }, include: withOwner }),
    );
    return toChannel(row);
  }

  async update(ownerId: string, fields: ChannelFields): Promise<Channel | null> {
    const rows = await mapDuplicate(() => this.prisma.channel.updateMany({ where: { ownerId }, data: fieldsData(fields) }));
    return rows.count ? this.findByOwner(ownerId) : null;
  }

  async findByHandle(handle: string): Promise<Channel | null> {
    const row = await this.prisma.channel.findUnique({ where: { handle }, include: withOwner });
    return row && toChannel(row);
  }

  async findByOwner(ownerId: string): Promise<Channel | null> {
    const row = await this.prisma.channel.findUnique({ where: { ownerId }, include: withOwner });
    return row && toChannel(row);
  }

  async findByRoom(roomId: string): Promise<Channel | null> {
    const row = await this.prisma.channel.findUnique({ where: { roomId }, include: withOwner });
    return row && toChannel(row);
  }

  async live(channelId: string): Promise<Broadcast | null> {
    const row = await this.prisma.broadcast.findFirst({ where: { channelId, status: 'live' }, orderBy: { startedAt: 'desc' } });
    return row && toBroadcast(row);
  }

  async startLive(channelId: string, input: { id: string; title: string; at: Date }): Promise<Broadcast> {
    const [, row] = await this.prisma.$transaction([
      this.prisma.broadcast.updateMany({ where: { channelId, status: 'live' }, data: { status: 'ended', endedAt: input.at } }),
      this.prisma.broadcast.create({ data: { id: input.id, channelId, title: input.title, status: 'live', startedAt: input.at } }),
    ]);
    return toBroadcast(row);
  }

  async endLive(channelId: string, final: { at: Date; peakListeners: number; likes: number }): Promise<Broadcast | null> {
    const live = await this.live(channelId);
    if (!live) return null;
    const row = await this.prisma.broadcast.update({
      where: { id: live.id },
      data: { status: 'ended', endedAt: final.at, peakListeners: final.peakListeners, likes: final.likes },
    });
    return toBroadcast(row);
  }

  async schedule(channelId: string, input: { id: string; title: string; description: string; start: Date; end: Date }): Promise<Broadcast> {
    const row = await this.prisma.broadcast.create({
      data: { id: input.id, channelId, title: input.title, description: input.description, status: 'scheduled', scheduledStart: input.start, scheduledEnd: input.end },
    });
    return toBroadcast(row);
  }

  countUpcoming(channelId: string, now: Date): Promise<number> {
    return this.prisma.broadcast.count({ where: { channelId, status: 'scheduled', scheduledEnd: { gt: now } } });
  }

  async upcoming(channelId: string, now: Date, page: { cursor?: string | undefined; limit: number }): Promise<Page<Broadcast>> {
    const rows = await this.prisma.broadcast.findMany({
      where: { channelId, status: 'scheduled', scheduledEnd: { gt: now } },
      orderBy: [{ scheduledStart: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
      ...cursorArgs(page.cursor),
    });
    return paged(rows.map(toBroadcast), page.limit);
  }

  async past(channelId: string, page: { cursor?: string | undefined; limit: number }): Promise<Page<Broadcast>> {
    const rows = await this.prisma.broadcast.findMany({
      where: { channelId, status: 'ended' },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      ...cursorArgs(page.cursor),
    });
    return paged(rows.map(toBroadcast), page.limit);
  }

  async findBroadcast(id: string): Promise<Broadcast | null> {
    const row = await this.prisma.broadcast.findUnique({ where: { id } });
    return row && toBroadcast(row);
  }

  async archives(channelId: string, all: boolean, page: { cursor?: string | undefined; limit: number }): Promise<Page<Broadcast>> {
    const rows = await this.prisma.broadcast.findMany({
      where: { channelId, status: 'ended', archiveFile: { not: null }, ...(all ? {} : { published: true }) },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      ...cursorArgs(page.cursor),
    });
    return paged(rows.map(toBroadcast), page.limit);
  }

  async setArchive(broadcastId: string, file: string): Promise<void> {
    await this.prisma.broadcast.updateMany({ where: { id: broadcastId }, data: { archiveFile: file, published: false } });
  }

  async editArchive(broadcastId: string, patch: { title?: string | undefined; description?: string | undefined; published?: boolean | undefined }): Promise<Broadcast | null> {
    const data = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const { count } = await this.prisma.broadcast.updateMany({ where: { id: broadcastId, archiveFile: { not: null } }, data });
    return count ? this.findBroadcast(broadcastId) : null;
  }

  async dropArchive(broadcastId: string): Promise<string | null> {
    const row = await this.prisma.broadcast.findUnique({ where: { id: broadcastId }, select: { archiveFile: true } });
    if (!row?.archiveFile) return null;
    const { count } = await this.prisma.broadcast.updateMany({ where: { id: broadcastId, archiveFile: row.archiveFile }, data: { archiveFile: null, published: false } });
    return count ? row.archiveFile : null;
  }

  async addChat(input: Omit<ChatMessage, 'createdAt'>): Promise<ChatMessage> {
    return toChat(await this.prisma.chatMessage.create({ data: input }));
  }

  async deleteChat(broadcastId: string, messageId: string): Promise<boolean> {
    const { count } = await this.prisma.chatMessage.updateMany({ where: { id: messageId, broadcastId, deletedAt: null }, data: { deletedAt: new Date() } });
    return count > 0;
  }

  async recentChat(broadcastId: string, limit: number): Promise<ChatMessage[]> {
    const rows = await this.prisma.chatMessage.findMany({
      where: { broadcastId, deletedAt: null },
      orderBy: { id: 'desc' }, // chat ids sort by time (timeOrderedId)
      take: limit,
    });
    return rows.map(toChat).reverse();
  }

  async chatLog(broadcastId: string, limit: number): Promise<ChatMessage[]> {
    const rows = await this.prisma.chatMessage.findMany({ where: { broadcastId, deletedAt: null }, orderBy: { id: 'asc' }, take: limit });
    return rows.map(toChat);
  }

  async findChat(messageId: string): Promise<ChatMessage | null> {
    const row = await this.prisma.chatMessage.findUnique({ where: { id: messageId } });
    return row && !row.deletedAt ? toChat(row) : null;
  }

  async ban(channelId: string, userId: string): Promise<void> {
    await this.prisma.chatBan.upsert({ where: { channelId_userId: { channelId, userId } }, create: { channelId, userId }, update: {} });
  }

  async isBanned(channelId: string, userId: string): Promise<boolean> {
    return (await this.prisma.chatBan.count({ where: { channelId, userId } })) > 0;
  }

  async addLike(input: { id: string; broadcastId: string; userId: string; at: Date }): Promise<void> {
    await this.prisma.broadcastLike.create({ data: { id: input.id, broadcastId: input.broadcastId, userId: input.userId, createdAt: input.at } });
  }

  async likeLog(broadcastId: string, limit: number): Promise<Date[]> {
    const rows = await this.prisma.broadcastLike.findMany({ where: { broadcastId }, orderBy: { id: 'asc' }, take: limit, select: { createdAt: true } });
    return rows.map((r) => r.createdAt);
  }

  async follow(channelId: string, userId: string, email: boolean, cap: number): Promise<boolean> {
    const key = { channelId_userId: { channelId, userId } };
    if (!(await this.prisma.channelFollow.findUnique({ where: key })) && (await this.prisma.channelFollow.count({ where: { userId } })) >= cap) return false;
    await this.prisma.channelFollow.upsert({ where: key, create: { channelId, userId, email }, update: { email } });
    return true;
  }

  async unfollow(channelId: string, userId: string): Promise<void> {
    await this.prisma.channelFollow.deleteMany({ where: { channelId, userId } });
  }

  async following(channelId: string, userId: string): Promise<{ email: boolean } | null> {
    const row = await this.prisma.channelFollow.findUnique({ where: { channelId_userId: { channelId, userId } } });
    return row ? { email: row.email } : null;
  }

  async followers(channelId: string, page: { cursor?: string | undefined; limit: number }): Promise<Page<Follower>> {
    const rows = await this.prisma.channelFollow.findMany({
      where: { channelId, ...(page.cursor ? { userId: { gt: page.cursor } } : {}), user: { disabledAt: null, deletedAt: null } },
      orderBy: { userId: 'asc' },
      take: page.limit + 1,
      include: { user: { select: { displayName: true, email: true, emailConfirmedAt: true } } },
    });
    const items = rows.slice(0, page.limit).map((r) => ({
      userId: r.userId,
      displayName: r.user.displayName,
      email: r.email && r.user.email && r.user.emailConfirmedAt ? r.user.email : null,
    }));
    return { items, next: rows.length > page.limit ? items.at(-1)!.userId : null };
  }
}
