import type { Client } from '../db/prisma-stores.js';
import type { EmailTokenPurpose, EmailTokenStore, NewEmailToken, Redeemed } from './email-token-store.js';

export class PrismaEmailTokenStore implements EmailTokenStore {
  constructor(private readonly prisma: Client) {}

  async create(input: NewEmailToken): Promise<void> {
    await this.prisma.emailToken.create({ data: input });
  }

  async redeem(tokenHash: string, purpose: EmailTokenPurpose, now = new Date()): Promise<Redeemed> {
    // The conditional update is the claim: the database lets one of two racing clicks through.
    const { count } = await this.prisma.emailToken.updateMany({ where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    const row = await this.prisma.emailToken.findUnique({ where: { tokenHash } });
    if (!row || row.purpose !== purpose) return { ok: false, reason: 'unknown' };
    if (count === 1) return { ok: true, userId: row.userId, email: row.email };
    return { ok: false, reason: row.usedAt ? 'used' : 'expired' };
  }

  async voidUnused(userId: string, purpose: EmailTokenPurpose, now = new Date()): Promise<number> {
    const { count } = await this.prisma.emailToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
    return count;
  }
}
