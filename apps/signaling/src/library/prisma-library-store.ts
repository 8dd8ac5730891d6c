// LibraryStore on Prisma (both providers; typed against the SQLite client, see db/prisma-stores.ts).
import type { PrismaClient } from '../generated/sqlite/client.js';
import type { LibraryAgent, LibraryGrant, LibraryStore } from './library-store.js';

const withOwner = { owner: { select: { displayName: true } } } as const;
type AgentRow = { id: string; ownerId: string; name: string; createdAt: Date; owner: { displayName: string } };
const toAgent = (row: AgentRow): LibraryAgent => ({ id: row.id, ownerId: row.ownerId, ownerName: row.owner.displayName, name: row.name, createdAt: row.createdAt });

export class PrismaLibraryStore implements LibraryStore {
  constructor(private readonly prisma: PrismaClient) {}

  async createAgent(input: { ownerId: string; name: string; tokenHash: string }): Promise<LibraryAgent> {
    return toAgent(await this.prisma.libraryAgent.create({ data: input, include: withOwner }));
  }

  async findAgent(id: string): Promise<LibraryAgent | null> {
    const row = await this.prisma.libraryAgent.findUnique({ where: { id }, include: withOwner });
    return row ? toAgent(row) : null;
  }

  async findAgentByTokenHash(tokenHash: string): Promise<LibraryAgent | null> {
    const row = await this.prisma.libraryAgent.findUnique({ where: { tokenHash }, include: withOwner });
    return row ? toAgent(row) : null;
  }

  countByOwner(ownerId: string): Promise<number> {
    return this.prisma.libraryAgent.count({ where: { ownerId } });
  }

  async listForUser(userId: string): Promise<LibraryAgent[]> {
    const [own, shared] = await Promise.all([
      this.prisma.libraryAgent.findMany({ where: { ownerId: userId }, include: withOwner, orderBy: { createdAt: 'asc' } }),
      this.prisma.libraryAgent.findMany({ where: { grants: { some: { userId } } }, include: withOwner, orderBy: { createdAt: 'asc' } }),
    ]);
    return [...own, ...shared].map(toAgent);
  }

  async deleteAgent(id: string): Promise<boolean> {
    return (await this.prisma.libraryAgent.deleteMany({ where: { id } })).count > 0;
  }

  async grant(agentId: string, userId: string): Promise<void> {
    await this.prisma.libraryGrant.upsert({ where: { agentId_userId: { agentId, userId } }, create: { agentId, userId }, update: {} });
  }

  async revoke(agentId: string, userId: string): Promise<boolean> {
    return (await this.prisma.libraryGrant.deleteMany({ where: { agentId, userId } })).count > 0;
  }

  async listGrants(agentId: string): Promise<LibraryGrant[]> {
    const rows = await this.prisma.libraryGrant.findMany({
      where: { agentId },
      include: { user: { select: { displayName: true, email: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => ({ agentId: r.agentId, userId: r.userId, displayName: r.user.displayName, email: r.user.email, createdAt: r.createdAt }));
  }

  async audience(agentId: string): Promise<string[]> {
    const agent = await this.prisma.libraryAgent.findUnique({ where: { id: agentId }, select: { ownerId: true, grants: { select: { userId: true } } } });
    return agent ? [agent.ownerId, ...agent.grants.map((g) => g.userId)] : [];
  }

  async mayUse(agentId: string, userId: string): Promise<boolean> {
    const found = await this.prisma.libraryAgent.count({ where: { id: agentId, OR: [{ ownerId: userId }, { grants: { some: { userId } } }] } });
    return found > 0;
  }
}
