import type { Client } from '../db/prisma-stores.js';
import { systemClock, type Clock } from './clock.js';
import type { ModerationStore, ModerationView } from './moderation-store.js';

/**
 * Moderation in the database, so bans, moderator mutes and the moderated flag outlive a restart
 * (the memory store forgets them, and a removed person could walk straight back in). One row
 * per (room, account) for bans and mutes; the flag is a column of the room. Ended bans are
 * ignored as they are read and their rows dropped as new bans are written.
 */
export class PrismaModerationStore implements ModerationStore {
  constructor(
    private readonly prisma: Client,
    private readonly banMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async view(roomId: string, userId: string): Promise<ModerationView> {
    const [room, row] = await Promise.all([
      this.prisma.room.findUnique({ where: { id: roomId }, select: { moderated: true } }),
      this.prisma.roomModeration.findUnique({ where: { roomId_userId: { roomId, userId } } }),
    ]);
    const until = row?.bannedUntil?.getTime();
    return {
      moderated: room?.moderated ?? false,
      muted: row?.muted ?? false,
      bannedUntil: until !== undefined && until > this.clock() ? until : undefined,
    };
  }

  async ban(roomId: string, userId: string): Promise<number> {
    const now = this.clock();
    const until = now + this.banMs;
    // A ban replaces a mute: the account is out, not muted.
    const fields = { bannedUntil: new Date(until), muted: false };
    await this.prisma.$transaction([
      this.prisma.roomModeration.deleteMany({ where: { roomId, muted: false, bannedUntil: { lte: new Date(now) } } }),
      this.prisma.roomModeration.upsert({ where: { roomId_userId: { roomId, userId } }, create: { roomId, userId, ...fields }, update: fields }),
    ]);
    return until;
  }

  async setMuted(roomId: string, userId: string, muted: boolean): Promise<void> {
    if (muted) {
      await this.prisma.roomModeration.upsert({ where: { roomId_userId: { roomId, userId } }, create: { roomId, userId, muted }, update: { muted } });
      return;
    }
    await this.prisma.$transaction([
      this.prisma.roomModeration.updateMany({ where: { roomId, userId }, data: { muted: false } }),
      // Nothing left on the row (no ban in force): it is worth nothing.
      this.prisma.roomModeration.deleteMany({ where: { roomId, userId, OR: [{ bannedUntil: null }, { bannedUntil: { lte: new Date(this.clock()) } }] } }),
    ]);
  }

  async setModerated(roomId: string, moderated: boolean): Promise<void> {
    await this.prisma.room.updateMany({ where: { id: roomId }, data: { moderated } });
  }

  async forget(roomId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.roomModeration.deleteMany({ where: { roomId } }),
      this.prisma.room.updateMany({ where: { id: roomId }, data: { moderated: false } }),
    ]);
  }
}
