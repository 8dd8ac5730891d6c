import { roomRule, RoomcastError, type ClientRequest, type ErrorCode, type MediaKind, type Role as UserRole, type RoomKind, type RoomRole } from '@roomcast/shared';

/**
 * Every "may X do Y to Z" decision in one place, as pure functions of plain facts (who asks,
 * what they act on), so HTTP routes and socket handlers decide alike and one table-driven test
 * (policy.test.ts) covers them all. A decision is `null` (allowed) or the refusal the caller
 * would answer; `enforce` throws it. Callers fetch the facts (rows, live state) themselves:
 * nothing here reads a store or a clock.
 */

/** Who asks: a signed-in account or guest. */
export interface Actor {
  readonly id: string;
  readonly role: UserRole;
  readonly isGuest: boolean;
}

export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

/** `null`: allowed. */
export type Decision = Refusal | null;

const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });

/** Throws the refusal as the typed error the HTTP and socket layers answer with. */
export function enforce(decision: Decision): void {
  if (decision) throw new RoomcastError(decision.code, decision.message);
}

export const allowed = (decision: Decision): boolean => decision === null;

// ── Accounts and roles ──────────────────────────────────────────────────────────────────────

/** An account (not a guest), with one of `roles` when any are given. */
export function hasRole(actor: Actor, ...roles: UserRole[]): Decision {
  if (actor.isGuest) return refuse('forbidden', 'guests cannot do this; create an account');
  if (roles.length && !roles.includes(actor.role)) return refuse('forbidden', `this needs the ${roles.join(' or ')} role`);
  return null;
}

const isAdmin = (actor: Actor) => !actor.isGuest && actor.role === 'admin';

/** The admin pages and API: users, rooms, mailbox, stats. */
export const mayAdminister = (actor: Actor): Decision => hasRole(actor, 'admin');

/** Email and password belong to accounts; a guest has none. */
export const mayChangeCredentials = (actor: Actor): Decision =>
  actor.isGuest ? refuse('forbidden', 'a guest has no email or password; sign up to keep an account') : null;

/** An administrator may not lock themselves out (disable) or delete themselves from the admin page. */
export function mayAdministerAccount(actor: Actor, targetId: string, action: 'disable' | 'delete'): Decision {
  const denied = mayAdminister(actor);
  if (denied || targetId !== actor.id) return denied;
  return action === 'disable'
    ? refuse('conflict', 'you cannot disable your own account')
    : refuse('conflict', 'delete your own account from your account page');
}

// ── Rooms ───────────────────────────────────────────────────────────────────────────────────

/** Host (the room's owner or an admin) or member: what the room kind's rules are looked up by. */
export const roomRole = (actor: Actor, room: { ownerId: string }): RoomRole =>
  room.ownerId === actor.id || isAdmin(actor) ? 'host' : 'member';

/** Any account may open a voice room or a watch party; going live as a DJ is a role. */
export const mayCreateRoom = (actor: Actor, kind: RoomKind): Decision =>
  kind === 'dj' ? hasRole(actor, 'broadcaster', 'admin') : hasRole(actor);

export function mayCloseRoom(actor: Actor, room: { ownerId: string }): Decision {
  const denied = hasRole(actor);
  if (denied) return denied;
  return roomRole(actor, room) === 'host' ? null : refuse('forbidden', 'only the owner can close this room');
}

/** A request inside a room, by the room kind's rules for the actor's role there (`room:join` is always allowed). */
export function mayRequestInRoom(actor: Actor, room: { kind: RoomKind; ownerId: string }, event: ClientRequest): Decision {
  if (event === 'room:join') return null;
  const rule = roomRule(room.kind, roomRole(actor, room));
  return (rule.requests as readonly string[]).includes(event)
    ? null
    : refuse('forbidden', `"${event}" is not allowed for you in this ${room.kind} room`);
}

/** How many producers of this kind the actor may hold in this room (0: none). */
export const producerCap = (actor: Actor, room: { kind: RoomKind; ownerId: string }, kind: MediaKind): number =>
  roomRule(room.kind, roomRole(actor, room)).producers[kind];

export function mayProduce(actor: Actor, room: { kind: RoomKind; ownerId: string }, kind: MediaKind): Decision {
  return producerCap(actor, room, kind) === 0 ? refuse('forbidden', `you cannot publish ${kind} in this ${room.kind} room`) : null;
}

/**
 * Unmuting one's own microphone. In a moderated room a moderator's mute holds until a host
 * allows it; elsewhere it is a nudge that unmuting oneself ends.
 */
export const mayUnmute = (moderation: { muted: boolean; moderated: boolean }): Decision =>
  moderation.muted && moderation.moderated ? refuse('forbidden', 'a moderator muted you; wait until they allow you to speak') : null;

// ── Moderation ──────────────────────────────────────────────────────────────────────────────

/** Mute, allow to speak, set moderated: the room's hosts (owner, admins). */
export function mayModerate(actor: Actor, room: { ownerId: string }): Decision {
  return roomRole(actor, room) === 'host' ? null : refuse('forbidden', 'only the room’s owner or an admin moderates it');
}

/** Removing (and banning) someone: a host, never the room's owner nor oneself. */
export function mayRemovePeer(actor: Actor, room: { ownerId: string }, targetUserId: string): Decision {
  const denied = mayModerate(actor, room);
  if (denied) return denied;
  if (targetUserId === room.ownerId || targetUserId === actor.id) return refuse('bad_request', 'the room’s owner cannot be removed from it');
  return null;
}

/** A banned account may not come back while its ban lasts (the moderation store drops ended bans). */
export const mayEnterRoom = (moderation: { bannedUntil?: number | undefined }): Decision =>
  moderation.bannedUntil !== undefined
    ? refuse('banned', `you were removed from this room; you can rejoin after ${new Date(moderation.bannedUntil).toISOString()}`)
    : null;

// ── Channels, broadcasts, archives ──────────────────────────────────────────────────────────

/** Having a channel (creating, editing it): broadcasters and admins. */
export const mayOwnChannel = (actor: Actor): Decision => hasRole(actor, 'broadcaster', 'admin');

/** Scheduling a broadcast: a broadcaster on their own channel. */
export function mayScheduleBroadcast(actor: Actor, channel: { ownerId: string }): Decision {
  const denied = mayOwnChannel(actor);
  if (denied) return denied;
  return channel.ownerId === actor.id ? null : refuse('forbidden', 'only the channel owner schedules its broadcasts');
}

/** Editing, publishing, deleting archives and seeing hidden ones: the channel's owner. */
export const mayManageArchives = (actor: Actor | null, channel: { ownerId: string }): Decision =>
  actor?.id === channel.ownerId ? null : refuse('forbidden', 'only the channel owner manages its archives');

/** A hidden archive is the owner's alone: to anyone else it does not exist. */
export const maySeeArchive = (actor: Actor | null, channel: { ownerId: string }, archive: { published: boolean }): boolean =>
  archive.published || allowed(mayManageArchives(actor, channel));

/** The studio bars someone from its chat; never its own owner. */
export const mayBarFromChat = (channel: { ownerId: string }, targetUserId: string): Decision =>
  targetUserId === channel.ownerId ? refuse('bad_request', 'you cannot bar yourself') : null;

// ── Videos ──────────────────────────────────────────────────────────────────────────────────

/** Renaming, deleting, subtitling, listing renditions: the owner or an admin. */
export const mayManageVideo = (actor: Pick<Actor, 'id' | 'role'>, video: { ownerId: string }): boolean =>
  video.ownerId === actor.id || actor.role === 'admin';

/** Watching: who may manage it, and whoever a party playing it admits (`inParty`, looked up by the caller). */
export const mayWatchVideo = (actor: Pick<Actor, 'id' | 'role'>, video: { ownerId: string }, inParty: boolean): boolean =>
  mayManageVideo(actor, video) || inParty;

// ── Watch parties ───────────────────────────────────────────────────────────────────────────

interface PartyFacts {
  readonly creatorId: string;
  readonly pinHash: string | null;
  readonly hostPeerId: string | null;
  readonly controls: 'host' | 'everyone';
}

/** Its creator enters without the PIN; everyone else needs it when there is one. */
export const needsPartyPin = (party: PartyFacts, userId: string): boolean =>
  party.pinHash !== null && party.creatorId !== userId;

/** Playback and queue: everyone, unless the host locked them. */
export const mayControlParty = (party: PartyFacts, peerId: string): boolean =>
  party.controls === 'everyone' || party.hostPeerId === peerId;

/** Handing over, locking controls, deleting chat: the party's host. */
export const mayHostParty = (party: PartyFacts, peerId: string, what: string): Decision =>
  party.hostPeerId === peerId ? null : refuse('forbidden', `only the host can ${what}`);

// ── Libraries ───────────────────────────────────────────────────────────────────────────────

/** Pairing agents and granting access: accounts. */
export const mayPairLibrary = (actor: Actor): Decision => hasRole(actor);

/** An agent's settings and grants are its owner's; to anyone else it does not exist. */
export const mayManageAgent = (actor: Actor, agent: { ownerId: string }): boolean => agent.ownerId === actor.id;
