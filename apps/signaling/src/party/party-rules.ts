import { applyCommand, PARTY, positionAt, voiceModeFor, withReaction, RoomcastError, type Reaction, type ChatMessage, type ControlLock, type PartyCommand, type PartyMember, type PartyPresence, type QueueItem, type QueueOp } from '@roomcast/shared';
import type { Party } from './party-store.js';
import { enforce, mayControlParty, mayHostParty } from '../auth/policy.js';

/**
 * The party's rules as pure functions of its state: the store applies them atomically, and
 * tests check them without a server. Each refuses with a typed error and returns a new party.
 */

export const presenceOf = (party: Party): PartyPresence => ({
  rev: party.revision,
  hostPeerId: party.hostPeerId,
  controls: party.controls,
  members: [...party.members],
  voice: party.meshFailed?.length ? 'sfu' : voiceModeFor(party.members.length, party.meshVoiceMax),
});

const mayControl = mayControlParty;
const requireHost = (party: Party, peerId: string, what: string) => enforce(mayHostParty(party, peerId, what));

/** A member arrives; the first one into a party without a host becomes its host. */
export function addMember(party: Party, member: PartyMember): Party {
  const members = [...party.members.filter((m) => m.peerId !== member.peerId), member];
  return { ...party, members, hostPeerId: party.hostPeerId ?? member.peerId };
}

/**
 * A member leaves: a departing host hands the role to whoever has been here longest; the last
 * one out pauses the video, so the party resumes where it was left.
 */
export function removeMember(party: Party, peerId: string, now: number): Party {
  if (!party.members.some((m) => m.peerId === peerId)) return party;
  // Nobody waits for someone who left.
  party = setBuffering(party, peerId, false, now);
  party = setMeshFailed(party, peerId, false);
  const members = party.members.filter((m) => m.peerId !== peerId);
  const hostPeerId = party.hostPeerId === peerId ? (members[0]?.peerId ?? null) : party.hostPeerId;
  const state = members.length === 0 && !party.state.paused
    ? { ...party.state, paused: true, position: positionAt(party.state, now), at: now, seq: party.state.seq + 1 }
    : party.state;
  return { ...party, members, hostPeerId, state };
}

/** A member's peer links failed (or all work again): voice takes the SFU while anyone's have. */
export function setMeshFailed(party: Party, peerId: string, failed: boolean): Party {
  const now = party.meshFailed ?? [];
  if (now.includes(peerId) === failed) return party;
  if (failed && !party.members.some((m) => m.peerId === peerId)) return party;
  return { ...party, meshFailed: failed ? [...now, peerId] : now.filter((p) => p !== peerId) };
}

/** Play, pause, seek or rate from a member with control rights; a seek lands inside the video. */
export function command(party: Party, peerId: string, cmd: PartyCommand): Party {
  if (!party.members.some((m) => m.peerId === peerId)) throw new RoomcastError('not_in_room', 'you are not in this party');
  if (!mayControl(party, peerId)) throw new RoomcastError('forbidden', 'the host has locked playback controls');
  const bounded = cmd.action === 'seek' ? { ...cmd, position: Math.min(cmd.position, party.durationS) } : cmd;
  return { ...party, state: applyCommand(party.state, bounded) };
}

export function handOver(party: Party, byPeerId: string, toPeerId: string): Party {
  requireHost(party, byPeerId, 'hand over the host role');
  if (!party.members.some((m) => m.peerId === toPeerId)) throw new RoomcastError('not_found', 'that person is not in the party');
  return { ...party, hostPeerId: toPeerId };
}

export function setControls(party: Party, byPeerId: string, controls: ControlLock): Party {
  requireHost(party, byPeerId, 'lock or open the controls');
  return { ...party, controls };
}

/** Keeps the last PARTY.chatTail messages; a message id seen before changes nothing. */
export function addChat(party: Party, message: ChatMessage): Party {
  if (party.chat.some((m) => m.id === message.id)) return party;
  return { ...party, chat: [...party.chat, message].slice(-PARTY.chatTail) };
}

/** A member's reaction to a message in the tail, added or taken back (by user, so a rejoin keeps it). */
export function react(party: Party, peerId: string, id: string, emoji: Reaction, on: boolean): Party {
  const member = party.members.find((m) => m.peerId === peerId);
  if (!member) throw new RoomcastError('not_in_room', 'you are not in this party');
  if (!party.chat.some((m) => m.id === id)) throw new RoomcastError('not_found', 'that message is no longer in the chat');
  return { ...party, chat: party.chat.map((m) => (m.id === id ? { ...m, reactions: withReaction(m.reactions, emoji, member.userId, on) } : m)) };
}

/** The host removes a message from the tail (everyone's pages drop it on the event). */
export function deleteChat(party: Party, byPeerId: string, id: string): Party {
  requireHost(party, byPeerId, 'delete messages');
  return party.chat.some((m) => m.id === id) ? { ...party, chat: party.chat.filter((m) => m.id !== id) } : party;
}

/** Queue edits other than `next` (which changes the video: see `startVideo`). */
export function editQueue(party: Party, peerId: string, op: Exclude<QueueOp, { op: 'next' }>, item?: QueueItem): Party {
  if (!mayControl(party, peerId)) throw new RoomcastError('forbidden', 'the host has locked the queue');
  const without = party.queue.filter((q) => q.videoId !== op.videoId);
  switch (op.op) {
    case 'add':
      if (party.queue.some((q) => q.videoId === op.videoId)) return party;
      if (party.queue.length >= PARTY.queue) throw new RoomcastError('limit_exceeded', `a queue holds at most ${PARTY.queue} videos`);
      return { ...party, queue: [...party.queue, item!] };
    case 'remove':
      return { ...party, queue: without };
    case 'move': {
      const moved = party.queue.find((q) => q.videoId === op.videoId);
      if (!moved) throw new RoomcastError('not_found', 'that video is not in the queue');
      without.splice(Math.min(op.index, without.length), 0, moved);
      return { ...party, queue: without };
    }
  }
}

/** Plays another video from the start, `at` server time; it leaves the queue if it was there. */
export function startVideo(party: Party, peerId: string, video: { id: string; title: string; durationS: number }, at: number): Party {
  if (!mayControl(party, peerId)) throw new RoomcastError('forbidden', 'the host has locked the queue');
  return {
    ...party,
    videoId: video.id,
    videoTitle: video.title,
    durationS: video.durationS,
    queue: party.queue.filter((q) => q.videoId !== video.id),
    state: { videoId: video.id, paused: false, rate: party.state.rate, position: 0, at, seq: party.state.seq + 1 },
  };
}

/**
 * A member's video stalls (or is ready again). The first stall of a playing party pauses it
 * where it is for everyone; when the last one waited for is ready, it plays on from there,
 * `PARTY.commandLeadMs` ahead so everyone starts together. A paused party does not wait.
 */
export function setBuffering(party: Party, peerId: string, buffering: boolean, now: number): Party {
  const { waitingFor = [], ...state } = party.state;
  const waits = waitingFor.includes(peerId);
  if (buffering === waits) return party;
  if (buffering) {
    if (waitingFor.length > 0) return { ...party, state: { ...party.state, waitingFor: [...waitingFor, peerId], seq: state.seq + 1 } };
    if (state.paused || !party.members.some((m) => m.peerId === peerId)) return party;
    const { commandId: _c, ...base } = state;
    return { ...party, state: { ...base, paused: true, position: positionAt(state, now), at: now, seq: state.seq + 1, waitingFor: [peerId] } };
  }
  const rest = waitingFor.filter((p) => p !== peerId);
  if (rest.length > 0) return { ...party, state: { ...party.state, waitingFor: rest, seq: state.seq + 1 } };
  const { commandId: _c, ...base } = state;
  return { ...party, state: { ...base, paused: false, at: now + PARTY.commandLeadMs, seq: state.seq + 1 } };
}
