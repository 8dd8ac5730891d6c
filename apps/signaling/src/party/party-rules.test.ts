import { describe, expect, it } from 'vitest';
import type { PartyMember } from '@roomcast/shared';
import { PARTY } from '@roomcast/shared';
import { addChat, addMember, command, editQueue, presenceOf, react, removeMember, setBuffering, setMeshFailed } from './party-rules.js';
import type { Party } from './party-store.js';

const member = (n: number): PartyMember => ({ peerId: `p${n}`, userId: `u${n}`, displayName: `M${n}`, meshId: `mesh${n}`.padEnd(16, '0') });
const empty: Party = {
  roomId: 'r', creatorId: 'u1', pinHash: null, videoId: 'v', videoTitle: 'V', durationS: 60, hostPeerId: null, meshVoiceMax: 4, controls: 'host', revision: 0,
  state: { videoId: 'v', paused: false, rate: 1, position: 5, at: 0, seq: 0 }, members: [], queue: [], chat: [],
};

describe('party rules', () => {
  it('put voice on the SFU past the party\'s own mesh limit (0: always), and back as members leave', () => {
    const grow = (max: number, n: number) => Array.from({ length: n }, (_, i) => member(i + 1)).reduce((p, m) => addMember(p, m), { ...empty, meshVoiceMax: max });
    expect(presenceOf(grow(4, 4)).voice).toBe('mesh');
    expect(presenceOf(grow(4, 5)).voice).toBe('sfu');
    expect(presenceOf(removeMember(grow(4, 5), 'p5', 0)).voice).toBe('mesh');
    expect(presenceOf(grow(2, 3)).voice).toBe('sfu');
    expect(presenceOf(grow(0, 1)).voice).toBe('sfu');
    // A member whose peer links failed takes the party's voice to the SFU until they work again or it leaves.
    const failed = setMeshFailed(grow(4, 3), 'p2', true);
    expect(presenceOf(failed).voice).toBe('sfu');
    expect(presenceOf(setMeshFailed(failed, 'p2', false)).voice).toBe('mesh');
    expect(presenceOf(removeMember(failed, 'p2', 0)).voice).toBe('mesh');
    expect(setMeshFailed(grow(4, 1), 'stranger', true).meshFailed ?? []).toEqual([]);
  });

  it('make the first member host and pass the role to the longest present; the last out pauses', () => {
    let party = [1, 2, 3].reduce((p, n) => addMember(p, member(n)), empty);
    expect(party.hostPeerId).toBe('p1');
    party = removeMember(party, 'p1', 1000);
    expect(party.hostPeerId).toBe('p2');
    party = removeMember(removeMember(party, 'p2', 1000), 'p3', 2000);
    expect(party).toMatchObject({ hostPeerId: null, members: [], state: { paused: true, position: 7, at: 2000, seq: 1 } });
    expect(addMember(party, member(4)).hostPeerId).toBe('p4');
  });

  it('refuse commands and queue edits from members while controls are locked', () => {
    const party = addMember(addMember(empty, member(1)), member(2));
    expect(() => command(party, 'p2', { id: 'cmd-00001', action: 'pause', effectAt: 0 })).toThrow('locked');
    expect(() => command(party, 'stranger', { id: 'cmd-00001', action: 'pause', effectAt: 0 })).toThrow('not in this party');
    expect(() => editQueue(party, 'p2', { op: 'remove', videoId: 'v' })).toThrow('locked');
    const open = { ...party, controls: 'everyone' as const };
    expect(command(open, 'p2', { id: 'cmd-00001', action: 'pause', effectAt: 0 }).state.paused).toBe(true);
  });

  it('keep a bounded chat tail without repeats, and an ordered queue', () => {
    let party = empty;
    for (let i = 0; i < 120; i++) party = addChat(party, { id: `chat-${String(i).padStart(4, '0')}`, peerId: 'p1', displayName: 'M', text: 't', at: i });
    expect(party.chat).toHaveLength(100);
    expect(addChat(party, party.chat[50]!)).toBe(party);
    party = addMember(party, member(1));
    for (const id of ['a', 'b', 'c']) party = editQueue(party, 'p1', { op: 'add', videoId: id }, { videoId: id, title: id });
    party = editQueue(party, 'p1', { op: 'move', videoId: 'c', index: 0 });
    expect(party.queue.map((q) => q.videoId)).toEqual(['c', 'a', 'b']);
  });

  it('count each person\'s reaction once per emoji, by user (a rejoin under a new peer id takes it back), only on messages in the tail', () => {
    let party = [1, 2].reduce((p, n) => addMember(p, member(n)), empty);
    party = addChat(party, { id: 'chat-0001', peerId: 'p1', displayName: 'M1', text: 'hi', at: 1 });
    party = react(react(party, 'p1', 'chat-0001', '👍', true), 'p2', 'chat-0001', '👍', true);
    expect(react(party, 'p2', 'chat-0001', '👍', true).chat[0]!.reactions).toEqual({ '👍': ['u1', 'u2'] });
    party = react(party, 'p2', 'chat-0001', '🎉', true);
    const rejoined = addMember(removeMember(party, 'p2', 0), { ...member(2), peerId: 'p9' });
    expect(react(rejoined, 'p9', 'chat-0001', '👍', false).chat[0]!.reactions).toEqual({ '👍': ['u1'], '🎉': ['u2'] });
    expect(react(react(party, 'p2', 'chat-0001', '🎉', false), 'p1', 'chat-0001', '👍', false).chat[0]!.reactions).toEqual({ '👍': ['u2'] });
    expect(() => react(party, 'stranger', 'chat-0001', '👍', true)).toThrow('not in this party');
    expect(() => react(party, 'p1', 'chat-gone1', '👍', true)).toThrow('no longer in the chat');
  });
});

describe('waiting for a member that buffers', () => {
  const playing = [1, 2, 3].reduce((p, n) => addMember(p, member(n)), empty);

  it('pauses a playing party where it is, waits for everyone stalled, then plays on together', () => {
    let party = setBuffering(playing, 'p2', true, 2000);
    expect(party.state).toMatchObject({ paused: true, position: 7, at: 2000, seq: 1, waitingFor: ['p2'] });
    party = setBuffering(party, 'p3', true, 2500);
    expect(party.state).toMatchObject({ paused: true, position: 7, waitingFor: ['p2', 'p3'], seq: 2 });
    expect(setBuffering(party, 'p3', true, 2600)).toBe(party);
    party = setBuffering(party, 'p2', false, 3000);
    expect(party.state.waitingFor).toEqual(['p3']);
    // The last one waited for leaves: the party plays on, a lead ahead, from where it stopped.
    party = removeMember(party, 'p3', 4000);
    expect(party.state).toEqual({ videoId: 'v', paused: false, rate: 1, position: 7, at: 4000 + PARTY.commandLeadMs, seq: 4 });
  });

  it('does not wait while paused, and an explicit command ends a wait', () => {
    const paused = { ...playing, state: { ...playing.state, paused: true } };
    expect(setBuffering(paused, 'p2', true, 2000)).toBe(paused);
    const waiting = setBuffering(playing, 'p2', true, 2000);
    const resumed = command(waiting, 'p1', { id: 'cmd-00009', action: 'play', effectAt: 2100 });
    expect(resumed.state.waitingFor).toBeUndefined();
    expect(resumed.state.paused).toBe(false);
    expect(setBuffering(resumed, 'p2', false, 2200)).toBe(resumed);
  });
});
