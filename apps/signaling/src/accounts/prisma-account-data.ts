import type { Client } from '../db/prisma-stores.js';
import { DELETED_NAME, type AccountData, type AccountExport } from './account-data.js';

export class PrismaAccountData implements AccountData {
  constructor(private readonly prisma: Client) {}

  async anonymise(userId: string, now = new Date()): Promise<boolean> {
    // One transaction: never an anonymised account with sessions left, nor the reverse. For an
    // account already deleted the rest finds nothing left to do.
    const [anonymised] = await this.prisma.$transaction([
      this.prisma.user.updateMany({
        where: { id: userId, deletedAt: null },
        data: { displayName: DELETED_NAME, email: null, passwordHash: null, emailConfirmedAt: null, role: 'listener', deletedAt: now },
      }),
      this.prisma.session.deleteMany({ where: { userId } }),
      this.prisma.emailToken.deleteMany({ where: { userId } }),
      this.prisma.libraryAgent.deleteMany({ where: { ownerId: userId } }),
      this.prisma.libraryGrant.deleteMany({ where: { userId } }),
      this.prisma.chatMessage.updateMany({ where: { userId }, data: { displayName: DELETED_NAME } }),
      this.prisma.room.updateMany({ where: { ownerId: userId, closedAt: null }, data: { closedAt: now } }),
    ]);
    return anonymised.count > 0;
  }

  async purgeDeleted(before: Date): Promise<number> {
    const { count } = await this.prisma.user.deleteMany({ where: { deletedAt: { lt: before } } });
    return count;
  }

  async export(userId: string): Promise<AccountExport | null> {
    const user = await this.prisma.user.findUnique({
      where: { id: userId },
      include: {
        sessions: { select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, device: true } },
        rooms: { select: { id: true, name: true, kind: true, createdAt: true, closedAt: true } },
        videos: { select: { id: true, title: true, status: true, sourceName: true, sourceBytes: true, durationMs: true, createdAt: true } },
        libraryAgents: { select: { id: true, name: true, createdAt: true } },
        libraryGrants: { select: { agentId: true, createdAt: true, agent: { select: { name: true } } } },
        channel: { select: { handle: true, title: true, description: true, links: true, createdAt: true, broadcasts: { select: { id: true, title: true, status: true, startedAt: true, endedAt: true, peakListeners: true, likes: true } } } },
        chatMessages: { select: { id: true, broadcastId: true, text: true, createdAt: true, deletedAt: true } },
      },
    });
    if (!user) return null;
    const { sessions, rooms, videos, libraryAgents, libraryGrants, channel, chatMessages, passwordHash: _secret, firstAccount: _first, ...account } = user;
    return {
      exportedAt: new Date().toISOString(),
      account,
      sessions,
      rooms,
      videos,
      libraryAgents,
      librariesSharedWithMe: libraryGrants.map(({ agent, ...grant }) => ({ ...grant, agentName: agent.name })),
      channel,
      chatMessages,
    };
  }
}
