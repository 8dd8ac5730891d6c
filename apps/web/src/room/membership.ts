import type { UserView } from '@roomcast/shared';
import { ApiError } from '../api/errors';
import { levelsFromEvent, removePeer, upsertPeer } from './room-state';
import type { StateHost } from './state';
import type { ConnectionState, RoomContext } from './types';

/** What the connection does for the room-wide pushes handled here. */
export interface MembershipHooks {
  /** The media path was rebuilt on the server: join again. */
  rejoin(message: string): void;
  end(status: 'failed' | 'closed', error: ApiError, message: string): void;
  sessionEnded(reason: string): void;
  sessionUpdated(user: UserView): void;
}

/** Out of the room: who was there (and who spoke) is no longer ours to show. */
export const initialMembership = (): Pick<ConnectionState, 'self' | 'peers' | 'activeSpeakerId' | 'levels'> => ({
  self: null,
  peers: [],
  activeSpeakerId: null,
  levels: {},
});

/** "This room was closed by its owner." from the server's reason, without saying "closed" twice. */
export function closedMessage(reason: string): string {
  const how = reason.trim().replace(/^(the )?room (was |is )?closed\s*/i, '').replace(/\.$/, '');
  return how ? `This room was closed ${/^(by|because|after|for)\b/i.test(how) ? how : `(${how})`}.` : 'This room was closed.';
}

export const initialConnection = (): ConnectionState => ({
  ...initialMembership(),
  status: 'joining',
  message: 'Connecting to the server…',
  error: null,
  room: null,
  moderated: false,
  notice: null,
  liveNow: null,
});

/**
 * Who is in the room and what happens to the room as a whole: joins, leaves, details, the
 * active speaker and levels, moderation, removal, closing, the end of our session, resets.
 */
export function wireMembership(ctx: RoomContext, store: StateHost<ConnectionState>, hooks: MembershipHooks): void {
  ctx.on('peer:joined', (peer) => {
    if (peer.peerId !== store.get().self?.peerId) store.update({ peers: upsertPeer(store.get().peers, peer) });
  });

  ctx.on('peer:updated', (peer) => {
    if (peer.peerId === store.get().self?.peerId) store.update({ self: peer });
    else store.update({ peers: upsertPeer(store.get().peers, peer) });
  });

  ctx.on('peer:left', ({ peerId }) => {
    const { [peerId]: _gone, ...levels } = store.get().levels;
    const { activeSpeakerId } = store.get();
    store.update({ peers: removePeer(store.get().peers, peerId), levels, activeSpeakerId: activeSpeakerId === peerId ? null : activeSpeakerId });
  });

  ctx.on('room:activeSpeaker', ({ peerId }) => store.update({ activeSpeakerId: peerId }));
  ctx.on('room:audioLevels', (event) => store.update({ levels: levelsFromEvent(event) }));
  ctx.on('room:moderation', ({ moderated }) => store.update({ moderated }));

  ctx.on('room:removed', ({ bannedUntil }) => {
    const until = new Date(bannedUntil).toLocaleTimeString();
    hooks.end('failed', new ApiError('banned', 'removed by a moderator'), `A moderator removed you from this room. You can rejoin after ${until}.`);
  });

  ctx.on('room:closed', ({ reason }) => {
    hooks.end('closed', new ApiError('not_found', reason), closedMessage(reason));
  });

  ctx.on('room:rejoin', ({ reason }) => hooks.rejoin(`The media server was reset (${reason}); reconnecting…`));

  ctx.on('session:ended', ({ reason }) => {
    // The server hangs up next; reconnecting would only be refused.
    hooks.end('closed', new ApiError('unauthenticated', reason), `You were signed out (${reason}). Sign in again to rejoin.`);
    hooks.sessionEnded(reason);
  });

  ctx.on('session:updated', ({ user }) => hooks.sessionUpdated(user));

  // Whatever room this is: a channel the account follows went live.
  ctx.on('dj:liveNow', (liveNow) => store.update({ liveNow }));

  ctx.on('server:shutdown', ({ reason }) => store.update({ message: `The server is restarting (${reason}); will reconnect…` }));

  ctx.on('protocol:error', ({ event, error }) => {
    console.warn(`[room] server rejected ${event}: ${error.code} ${error.message}`);
    ctx.notify(`The server refused a request (${event}): ${error.message}`);
  });
}
