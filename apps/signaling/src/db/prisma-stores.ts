// The one implementation of the stores, on Prisma.
//
// It is typed against the SQLite client only. The PostgreSQL client is generated from the same
// models (prisma/schema.prisma rendered per provider), so its model API — method names,
// arguments, result shapes — is identical; but TypeScript sees two unrelated nominal types
// (each generated client carries its own `Prisma` namespace), so database.ts casts the
// PostgreSQL client to this type. tests in db.test.ts run every store on both providers, which
// is what keeps that cast honest.
import type {
  PrismaClient,
  Room as RoomRow,
  Session as SessionRow,
  User as UserRow,
} from '../generated/sqlite/client.js';
import { DuplicateError, InvalidValueError, mapDuplicate } from './errors.js';
import { shortId } from './ids.js';
import {
  isRoomKind,
  isUserRole,
  ROOM_KINDS,
  USER_ROLES,
  type DatabaseProvider,
  type ListOpenRooms,
  type NewAccount,
  type NewRoom,
  type NewSession,
  type NewUser,
  type Room,
  type RoomStore,
  type Session,
  type SessionStore,
  type SessionTouch,
  type SessionWithUser,
  type User,
  type UserCountFilter,
  type UserRole,
  type UserStore,
} from './types.js';

export type Client = PrismaClient;

/** Emails are compared case-insensitively by storing them trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!normalized) throw new InvalidValueError('email', email, 'a non-empty email address or null');
  return normalized;
}

function assertRole(role: unknown): UserRole {
  if (!isUserRole(role)) throw new InvalidValueError('role', role, USER_ROLES.join(' | '));
  return role;
}

const isNotFound = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2025';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.passwordHash,
    displayName: row.displayName,
    // A role the code does not know (edited by hand, or written by a newer version) grants nothing.
    role: isUserRole(row.role) ? row.role : 'listener',
    isGuest: row.isGuest,
    disabledAt: row.disabledAt,
    emailConfirmedAt: row.emailConfirmedAt,
    deletedAt: row.deletedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    tokenHash: row.tokenHash,
    userId: row.userId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastSeenAt: row.lastSeenAt,
    device: row.device,
  };
}

export function toRoom(row: RoomRow): Room {
  if (!isRoomKind(row.kind)) throw new InvalidValueError('room kind', row.kind, ROOM_KINDS.join(' | '));
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    ownerId: row.ownerId,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
  };
}

export class PrismaUserStore implements UserStore {
  constructor(
    private readonly prisma: Client,
    private readonly provider: DatabaseProvider = 'sqlite',
  ) {}

  async search(query: string, limit: number, after?: string): Promise<User[]> {
    const q = query.trim();
    // SQLite's LIKE ignores ASCII case already; PostgreSQL needs to be told.
    // (This client's types are SQLite's, which has no `mode`; the PostgreSQL client reads it.)
    const contains = (value: string) => ({ contains: value, ...(this.provider === 'postgresql' && { mode: 'insensitive' }) }) as { contains: string };
    const rows = await this.prisma.user.findMany({
      where: { isGuest: false, ...(q && { OR: [{ email: contains(q.toLowerCase()) }, { displayName: contains(q) }] }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      ...(after && { cursor: { id: after }, skip: 1 }),
    });
    return rows.map(toUser);
  }

  async create(input: NewUser): Promise<User> {
    const row = await mapDuplicate(() =>
      this.prisma.user.create({
        data: {
          email: input.email == null ? null : normalizeEmail(input.email),
          passwordHash: input.passwordHash ?? null,
          displayName: input.displayName,
          role: assertRole(input.role ?? 'listener'),
          isGuest: input.isGuest ?? false,
        },
      }),
    );
    return toUser(row);
  }

  async createAccount(input: NewAccount): Promise<User> {
    // Claim the first-account flag only when no account exists yet (so an ordinary sign-up costs
    // no failed insert); when two claim at once, the unique index admits one and the other retries
    // as a listener, by which time the count it reads is no longer zero.
    for (let attempt = 1; ; attempt++) {
      const first = (await this.count({ isGuest: false })) === 0;
      try {
        const row = await mapDuplicate(() =>
          this.prisma.user.create({
            data: {
              email: normalizeEmail(input.email),
              passwordHash: input.passwordHash,
              displayName: input.displayName,
              role: first ? 'admin' : 'listener',
              isGuest: false,
              firstAccount: first ? true : null,
            },
          }),
        );
        return toUser(row);
      } catch (err) {
        if (err instanceof DuplicateError && err.isOn('firstAccount') && attempt < 3) continue;
        throw err;
      }
    }
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { id } });
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const normalized = email.trim().toLowerCase();
    if (!normalized) return null;
    const row = await this.prisma.user.findUnique({ where: { email: normalized } });
    return row ? toUser(row) : null;
  }

  async setRole(id: string, role: UserRole): Promise<User | null> {
    const checked = assertRole(role);
    try {
      return toUser(await this.prisma.user.update({ where: { id }, data: { role: checked } }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async setDisabled(id: string, disabled: boolean, now = new Date()): Promise<User | null> {
    try {
      const update = this.prisma.user.update({ where: { id }, data: { disabledAt: disabled ? now : null } });
      if (!disabled) return toUser(await update);
      const [, row] = await this.prisma.$transaction([this.prisma.session.deleteMany({ where: { userId: id } }), update]);
      return toUser(row);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async confirmEmail(id: string, email: string, at = new Date()): Promise<User | null> {
    const { count } = await this.prisma.user.updateMany({ where: { id, email }, data: { emailConfirmedAt: at } });
    return count ? this.findById(id) : null;
  }

  async setDisplayName(id: string, displayName: string): Promise<User | null> {
    try {
      return toUser(await this.prisma.user.update({ where: { id }, data: { displayName } }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async changeEmail(id: string, email: string): Promise<User | null> {
    const normalized = email.trim().toLowerCase();
    try {
      return toUser(await mapDuplicate(() => this.prisma.user.update({ where: { id }, data: { email: normalized, emailConfirmedAt: null } })));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async setPassword(id: string, passwordHash: string): Promise<boolean> {
    try {
      await this.prisma.$transaction([this.prisma.session.deleteMany({ where: { userId: id } }), this.prisma.user.update({ where: { id }, data: { passwordHash } })]);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  count(filter: UserCountFilter = {}): Promise<number> {
    return this.prisma.user.count({
      where: {
        ...(filter.isGuest !== undefined && { isGuest: filter.isGuest }),
        ...(filter.role !== undefined && { role: assertRole(filter.role) }),
      },
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.user.deleteMany({ where: { id } });
    return count > 0;
  }

  async deleteStaleGuests(olderThan: Date): Promise<number> {
    const { count } = await this.prisma.user.deleteMany({ where: { isGuest: true, createdAt: { lt: olderThan }, sessions: { none: {} } } });
    return count;
  }
}

export class PrismaSessionStore implements SessionStore {
  constructor(private readonly prisma: Client) {}

  async create(input: NewSession): Promise<Session> {
    const now = new Date();
    const row = await mapDuplicate(() =>
      this.prisma.session.create({
        data: {
          userId: input.userId,
          tokenHash: input.tokenHash,
          expiresAt: input.expiresAt,
          createdAt: now,
          lastSeenAt: now,
          device: input.device?.slice(0, 200) ?? null,
        },
      }),
    );
    return toSession(row);
  }

  async findValidByTokenHash(tokenHash: string, now = new Date()): Promise<SessionWithUser | null> {
    const row = await this.prisma.session.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!row || row.expiresAt.getTime() <= now.getTime() || row.user.disabledAt || row.user.deletedAt) return null;
    const { user, ...session } = row;
    return { session: toSession(session), user: toUser(user) };
  }

  async touch(tokenHash: string, opts: SessionTouch = {}): Promise<boolean> {
    const { count } = await this.prisma.session.updateMany({
      where: { tokenHash },
      data: { lastSeenAt: opts.now ?? new Date(), ...(opts.expiresAt && { expiresAt: opts.expiresAt }) },
    });
    return count > 0;
  }

  async delete(tokenHash: string): Promise<boolean> {
    const { count } = await this.prisma.session.deleteMany({ where: { tokenHash } });
    return count > 0;
  }

  async listForUser(userId: string, now = new Date()): Promise<Session[]> {
    const rows = await this.prisma.session.findMany({ where: { userId, expiresAt: { gt: now } }, orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }], take: 200 });
    return rows.map(toSession);
  }

  async deleteById(userId: string, id: string): Promise<Session | null> {
    const row = await this.prisma.session.findFirst({ where: { id, userId } });
    if (!row) return null;
    await this.prisma.session.deleteMany({ where: { id, userId } });
    return toSession(row);
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { userId } });
    return count;
  }

  async deleteExpired(now = new Date()): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}

export const MAX_ROOM_LIST = 500;

export class PrismaRoomStore implements RoomStore {
  constructor(private readonly prisma: Client) {}

  async create(input: NewRoom): Promise<Room> {
    if (!isRoomKind(input.kind)) throw new InvalidValueError('room kind', input.kind, ROOM_KINDS.join(' | '));
    for (let attempt = 1; ; attempt++) {
      try {
        const row = await mapDuplicate(() =>
          this.prisma.room.create({ data: { id: shortId(), name: input.name, kind: input.kind, ownerId: input.ownerId } }),
        );
        return toRoom(row);
      } catch (err) {
        // A random id collided (practically never): draw another.
        if (err instanceof DuplicateError && attempt < 5) continue;
        throw err;
      }
    }
  }

  async findById(id: string): Promise<Room | null> {
    const row = await this.prisma.room.findUnique({ where: { id } });
    return row ? toRoom(row) : null;
  }

  async listOpen(opts: ListOpenRooms = {}): Promise<Room[]> {
    if (opts.kind !== undefined && !isRoomKind(opts.kind)) {
      throw new InvalidValueError('room kind', opts.kind, ROOM_KINDS.join(' | '));
    }
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), MAX_ROOM_LIST);
    const rows = await this.prisma.room.findMany({
      where: { closedAt: null, ...(opts.kind && { kind: opts.kind }), ...(opts.createdBefore && { createdAt: { lt: opts.createdBefore } }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(toRoom);
  }

  async close(id: string, at = new Date()): Promise<Room | null> {
    // Only an open room gets a closedAt, so closing twice keeps the first time.
    await this.prisma.room.updateMany({ where: { id, closedAt: null }, data: { closedAt: at } });
    return this.findById(id);
  }
}
