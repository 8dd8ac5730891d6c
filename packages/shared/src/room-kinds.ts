import type { RoomKind } from './common.js';
import type { MediaKind } from './sfu.js';
import type { ClientRequest } from './socket.js';

/**
 * What each kind of room lets a member do, checked by the server's dispatcher before any
 * handler runs (and read by clients to know which media parts to start). A `host` is the
 * room's owner or an admin; everyone else is a `member`.
 */
export type RoomRole = 'host' | 'member';

export interface RoomKindRule {
  /** Requests a member in this role may make once in the room (`room:join` is always allowed). */
  requests: readonly ClientRequest[];
  /** Producers of each media kind one peer may hold at once (0: may not produce it). */
  producers: Record<MediaKind, number>;
}

const MEMBERSHIP = ['room:leave'] as const;
const LISTEN = ['sfu:createTransport', 'sfu:connectTransport', 'sfu:restartIce', 'sfu:resumeConsumers', 'sfu:consumeData'] as const;
const SPEAK = ['sfu:produce', 'sfu:pauseProducer', 'sfu:resumeProducer', 'sfu:closeProducer'] as const;
const MODERATE = ['mod:mutePeer', 'mod:allowUnmute', 'mod:removePeer', 'mod:setModerated'] as const;
// Party host rights (handover, controls) follow the party's own host, checked by its handlers.
const PARTY = ['party:time', 'party:command', 'party:buffering', 'party:meshFailed', 'party:chat', 'party:react', 'party:deleteChat', 'party:handover', 'party:controls', 'party:queue'] as const;
/** Everyone in a DJ room sees the live state, likes and chats; the studio runs the show. */
const DJ_AUDIENCE = ['dj:state', 'dj:like', 'dj:chat'] as const;
const DJ_STUDIO = ['dj:goLive', 'dj:resume', 'dj:end', 'dj:deleteChat', 'dj:banChat'] as const;

export const ROOM_KIND_RULES: Record<RoomKind, Record<RoomRole, RoomKindRule>> = {
  // Everyone talks: one microphone each, no video.
  voice: {
    host: { requests: [...MEMBERSHIP, ...LISTEN, ...SPEAK, ...MODERATE], producers: { audio: 1, video: 0 } },
    member: { requests: [...MEMBERSHIP, ...LISTEN, ...SPEAK], producers: { audio: 1, video: 0 } },
  },
  // The DJ is on air (the mix and a talk-over microphone); listeners only listen.
  dj: {
    host: { requests: [...MEMBERSHIP, ...LISTEN, ...SPEAK, 'sfu:produceData', ...MODERATE, ...DJ_AUDIENCE, ...DJ_STUDIO], producers: { audio: 2, video: 0 } },
    member: { requests: [...MEMBERSHIP, ...LISTEN, ...DJ_AUDIENCE], producers: { audio: 0, video: 0 } },
  },
  // A watch party syncs over its own mesh. Voice rides the mesh while the party is small; a
  // microphone on the SFU (one each) is allowed only while the party's voice mode is `sfu`,
  // which the media handlers check against the party's state.
  watch: {
    host: { requests: [...MEMBERSHIP, ...LISTEN, ...SPEAK, ...MODERATE, ...PARTY], producers: { audio: 1, video: 0 } },
    member: { requests: [...MEMBERSHIP, ...LISTEN, ...SPEAK, ...PARTY], producers: { audio: 1, video: 0 } },
  },
};

export function roomRule(kind: RoomKind, role: RoomRole): RoomKindRule {
  return ROOM_KIND_RULES[kind][role];
}
