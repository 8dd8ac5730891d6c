// The persistence API of the signaling server, in plain TypeScript types.
//
// Callers (HTTP routes, socket handlers, tests) depend on these interfaces only — never on
// Prisma types — so they do not care which generated client (SQLite or PostgreSQL) is behind a
// store, and a store can be faked in a unit test with a plain object.

import { Role, RoomKind as RoomKindSchema } from '@roomcast/shared';
import type { AccountData } from '../accounts/account-data.js';
import type { EmailTokenStore } from '../email/email-token-store.js';
import type { LibraryStore } from '../library/library-store.js';
import type { ChannelStore } from '../dj/channel-store.js';
import type { VideoStore } from '../videos/video-store.js';
import type { TranscodeJobStore } from '../videos/transcode-jobs.js';
import type { Clock } from '../rooms/clock.js';
import type { ModerationStore } from '../rooms/moderation-store.js';

// The value sets come from the wire protocol, so the database and the API cannot drift apart.
export const USER_ROLES = Role.options;
export type UserRole = Role;
export const isUserRole = (value: unknown): value is UserRole => Role.safeParse(value).success;

export const ROOM_KINDS = RoomKindSchema.options;
export type RoomKind = RoomKindSchema;
export const isRoomKind = (value: unknown): value is RoomKind => RoomKindSchema.safeParse(value).success;

export type DatabaseProvider = 'sqlite' | 'postgresql';

export interface User {
  id: string;
  /** Lower-cased and trimmed; null for guests. */
  email: string | null;
  /** Password hash (argon2id); null for guests. Never send it to a client. */
  passwordHash: string | null;
  displayName: string;
  role: UserRole;
  isGuest: boolean;
  /** When an administrator disabled the account; null while it is active. */
  disabledAt: Date | null;
  /** When the person followed the confirmation link sent to `email`; null until then. */
  emailConfirmedAt: Date | null;
  /** The person deleted the account (anonymised at once, purged later); null while it exists. */
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  /** Normalised (trimmed, lower-cased) before it is stored; omit or null for guests. */
  email?: string | null;
  passwordHash?: string | null;
  displayName: string;
  /** Defaults to 'listener'. */
  role?: UserRole;
  /** Defaults to false. */
  isGuest?: boolean;
}

/** A registered (non-guest) account; its role is decided by the store (see createAccount). */
export interface NewAccount {
  email: string;
  passwordHash: string;
  displayName: string;
}

export interface UserCountFilter {
  isGuest?: boolean;
  role?: UserRole;
}

export interface UserStore {
  /** @throws DuplicateError when the email is already registered (field 'email'). */
  create(input: NewUser): Promise<User>;
  /**
   * Creates a registered account: the install's first one becomes `admin`, every later one
   * `listener`. Concurrent first sign-ups cannot make two admins: a unique claim in the database
   * admits one, and the others are created as listeners.
   * @throws DuplicateError when the email is already registered (field 'email').
   */
  createAccount(input: NewAccount): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** Case-insensitive (emails are stored lower-cased). */
  findByEmail(email: string): Promise<User | null>;
  /** @returns the updated user, or null when there is no such user. */
  setRole(id: string, role: UserRole): Promise<User | null>;
  /**
   * Disables (deleting every session of the account in the same transaction, so no cookie
   * outlives the decision) or re-enables an account. @returns the updated user, or null when absent.
   */
  setDisabled(id: string, disabled: boolean, now?: Date): Promise<User | null>;
  /** Marks `email` confirmed, if it is still the account's address. @returns the user, or null when not. */
  confirmEmail(id: string, email: string, at?: Date): Promise<User | null>;
  /** @returns the updated user, or null when absent. */
  setDisplayName(id: string, displayName: string): Promise<User | null>;
  /** A new address, not yet confirmed. @throws DuplicateError when another account has it. @returns null when absent. */
  changeEmail(id: string, email: string): Promise<User | null>;
  /** A new password hash; every session of the account is deleted in the same transaction. @returns false when absent. */
  setPassword(id: string, passwordHash: string): Promise<boolean>;
  count(filter?: UserCountFilter): Promise<number>;
  /** Registered accounts (no guests) whose email or name contains `query`, newest first, `limit` at most, after the cursor id. */
  search(query: string, limit: number, after?: string): Promise<User[]>;
  /** Deletes the user with their sessions and rooms (cascade). @returns false when absent. */
  delete(id: string): Promise<boolean>;
  /** Housekeeping: deletes guest accounts created before `olderThan` that hold no session. @returns how many. */
  deleteStaleGuests(olderThan: Date): Promise<number>;
}

export interface Session {
  id: string;
  /** sha256 (hex) of the cookie token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  /** The browser's User-Agent at sign-in, or null. */
  device: string | null;
}

export interface NewSession {
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  device?: string | null;
}

export interface SessionWithUser {
  session: Session;
  user: User;
}

export interface SessionTouch {
  /** Defaults to the current time. */
  now?: Date;
  /** Slide the expiry as well (e.g. now + session lifetime). */
  expiresAt?: Date;
}

export interface SessionStore {
  /** @throws DuplicateError on a token-hash collision; a foreign-key error for an unknown user. */
  create(input: NewSession): Promise<Session>;
  /** The session and its user, or null when there is none or it expired (expiresAt <= now). */
  findValidByTokenHash(tokenHash: string, now?: Date): Promise<SessionWithUser | null>;
  /** Records activity (lastSeenAt) and optionally a new expiry. @returns false when absent. */
  touch(tokenHash: string, opts?: SessionTouch): Promise<boolean>;
  /** Logout. @returns false when absent. */
  delete(tokenHash: string): Promise<boolean>;
  /** The account's unexpired sessions, most recently seen first. */
  listForUser(userId: string, now?: Date): Promise<Session[]>;
  /** Ends one of the account's sessions by id. @returns the deleted session, or null when it is not theirs. */
  deleteById(userId: string, id: string): Promise<Session | null>;
  /** Logout everywhere. @returns how many sessions were deleted. */
  deleteAllForUser(userId: string): Promise<number>;
  /** Housekeeping. @returns how many sessions were deleted. */
  deleteExpired(now?: Date): Promise<number>;
}

export interface Room {
  /** Short url-safe id (10 characters of [0-9A-Za-z]). */
  id: string;
  name: string;
  kind: RoomKind;
  ownerId: string;
  createdAt: Date;
  /** null while the room is open. */
  closedAt: Date | null;
}

export interface NewRoom {
  name: string;
  kind: RoomKind;
  ownerId: string;
}

export interface ListOpenRooms {
  kind?: RoomKind;
  /** 1..500, defaults to 50. */
  limit?: number;
  /** Only rooms created strictly before this time (the idle sweep pages with it). */
  createdBefore?: Date;
}

export interface RoomStore {
  create(input: NewRoom): Promise<Room>;
  findById(id: string): Promise<Room | null>;
  /** Open rooms, newest first. */
  listOpen(opts?: ListOpenRooms): Promise<Room[]>;
  /** Closes the room; closing a closed room keeps its first closedAt. @returns null when absent. */
  close(id: string, at?: Date): Promise<Room | null>;
}

/** The subset of a pino logger the database layer uses. */
export interface DbLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Database {
  readonly provider: DatabaseProvider;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly rooms: RoomStore;
  /** Uploaded videos (watch parties): videos/video-store.ts. */
  readonly videos: VideoStore;
  /** Everything a person owns, for deletion and export: accounts/account-data.ts. */
  readonly accounts: AccountData;
  /** Single-use links sent by email: email/email-token-store.ts. */
  readonly emailTokens: EmailTokenStore;
  /** The embedded transcode queue's jobs: videos/transcode-jobs.ts. */
  readonly transcodeJobs: TranscodeJobStore;
  /** Paired desktop agents and their grants (library anywhere): library/library-store.ts. */
  readonly library: LibraryStore;
  /** Live DJ channels, broadcasts and chat: dj/channel-store.ts. */
  readonly channels: ChannelStore;
  /** Room moderation (bans of `banMs`, moderator mutes, the moderated flag) kept here: rooms/moderation-store.ts. */
  moderation(banMs: number, clock?: Clock): ModerationStore;
  /** Migrations this open applied (empty when the schema was already up to date). */
  readonly appliedMigrations: readonly string[];
  /** Resolves when the database answers a trivial query (for /readyz); rejects otherwise. */
  ping(): Promise<void>;
  /** Releases connections. Idempotent; stores must not be used afterwards. */
  close(): Promise<void>;
}
