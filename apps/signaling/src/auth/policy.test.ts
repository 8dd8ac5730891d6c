import { describe, expect, it } from 'vitest';
import { RoomcastError } from '@roomcast/shared';
import * as P from './policy.js';

const guest: P.Actor = { id: 'g', role: 'listener', isGuest: true };
const listener: P.Actor = { id: 'l', role: 'listener', isGuest: false };
const broadcaster: P.Actor = { id: 'b', role: 'broadcaster', isGuest: false };
const admin: P.Actor = { id: 'a', role: 'admin', isGuest: false };
const actors = { guest, listener, broadcaster, admin };
type Who = keyof typeof actors;

/** Things acted on, each owned by the listener unless said otherwise. */
const ownedByListener = { ownerId: 'l' };
const voiceRoom = { kind: 'voice' as const, ownerId: 'l' };
const djRoom = { kind: 'dj' as const, ownerId: 'b' };
const watchRoom = { kind: 'watch' as const, ownerId: 'l' };
const channel = { ownerId: 'b' };
const party = { creatorId: 'l', pinHash: 'salted', hostPeerId: 'p-host', controls: 'host' as const };
const openParty = { ...party, controls: 'everyone' as const };

/** An allowed decision is `true`; a refusal is its error code. */
const outcome = (d: P.Decision | boolean): true | false | string => (typeof d === 'boolean' ? d : d === null ? true : d.code);

/** One row: the decision, and what each actor gets (`true` allowed, `false` no, or the refusal's code). */
const table: [string, (a: P.Actor) => P.Decision | boolean, Record<Who, true | false | string>][] = [
  ['administer', P.mayAdminister, { guest: 'forbidden', listener: 'forbidden', broadcaster: 'forbidden', admin: true }],
  ['administer account l (disable)', (a) => P.mayAdministerAccount(a, 'l', 'disable'), { guest: 'forbidden', listener: 'forbidden', broadcaster: 'forbidden', admin: true }],
  ['disable oneself', (a) => P.mayAdministerAccount(a, a.id, 'disable'), { guest: 'forbidden', listener: 'forbidden', broadcaster: 'forbidden', admin: 'conflict' }],
  ['delete oneself from the admin page', (a) => P.mayAdministerAccount(a, a.id, 'delete'), { guest: 'forbidden', listener: 'forbidden', broadcaster: 'forbidden', admin: 'conflict' }],
  ['change email or password', P.mayChangeCredentials, { guest: 'forbidden', listener: true, broadcaster: true, admin: true }],
  ['open a voice room', (a) => P.mayCreateRoom(a, 'voice'), { guest: 'forbidden', listener: true, broadcaster: true, admin: true }],
  ['open a DJ room', (a) => P.mayCreateRoom(a, 'dj'), { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: true }],
  ['close the listener’s room', (a) => P.mayCloseRoom(a, ownedByListener), { guest: 'forbidden', listener: true, broadcaster: 'forbidden', admin: true }],
  ['speak in a voice room', (a) => P.mayRequestInRoom(a, voiceRoom, 'sfu:produce'), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['speak in someone’s DJ room', (a) => P.mayRequestInRoom(a, djRoom, 'sfu:produce'), { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: true }],
  ['go live in a DJ room', (a) => P.mayRequestInRoom(a, djRoom, 'dj:goLive'), { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: true }],
  ['like in a DJ room', (a) => P.mayRequestInRoom(a, djRoom, 'dj:like'), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['join any room', (a) => P.mayRequestInRoom(a, djRoom, 'room:join'), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['party commands', (a) => P.mayRequestInRoom(a, watchRoom, 'party:command'), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['mute someone in the listener’s room', (a) => P.mayRequestInRoom(a, voiceRoom, 'mod:mutePeer'), { guest: 'forbidden', listener: true, broadcaster: 'forbidden', admin: true }],
  ['moderate the listener’s room', (a) => P.mayModerate(a, voiceRoom), { guest: 'forbidden', listener: true, broadcaster: 'forbidden', admin: true }],
  ['remove the guest from the listener’s room', (a) => P.mayRemovePeer(a, voiceRoom, 'g'), { guest: 'forbidden', listener: true, broadcaster: 'forbidden', admin: true }],
  ['remove the room’s owner', (a) => P.mayRemovePeer(a, voiceRoom, 'l'), { guest: 'forbidden', listener: 'bad_request', broadcaster: 'forbidden', admin: 'bad_request' }],
  ['remove oneself', (a) => P.mayRemovePeer(a, { ownerId: 'nobody' }, a.id), { guest: 'forbidden', listener: 'forbidden', broadcaster: 'forbidden', admin: 'bad_request' }],
  ['publish audio in a voice room', (a) => P.mayProduce(a, voiceRoom, 'audio'), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['publish video in a voice room', (a) => P.mayProduce(a, voiceRoom, 'video'), { guest: 'forbidden', listener: 'forbidden', broadcaster: 'forbidden', admin: 'forbidden' }],
  ['publish audio in the broadcaster’s DJ room', (a) => P.mayProduce(a, djRoom, 'audio'), { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: true }],
  ['own a channel', P.mayOwnChannel, { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: true }],
  ['schedule on the broadcaster’s channel', (a) => P.mayScheduleBroadcast(a, channel), { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: 'forbidden' }],
  ['manage the broadcaster’s archives', (a) => P.mayManageArchives(a, channel), { guest: 'forbidden', listener: 'forbidden', broadcaster: true, admin: 'forbidden' }],
  ['see a hidden archive', (a) => P.maySeeArchive(a, channel, { published: false }), { guest: false, listener: false, broadcaster: true, admin: false }],
  ['see a published archive', (a) => P.maySeeArchive(a, channel, { published: true }), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['manage the listener’s video', (a) => P.mayManageVideo(a, ownedByListener), { guest: false, listener: true, broadcaster: false, admin: true }],
  ['watch the listener’s video outside a party', (a) => P.mayWatchVideo(a, ownedByListener, false), { guest: false, listener: true, broadcaster: false, admin: true }],
  ['watch the listener’s video in its party', (a) => P.mayWatchVideo(a, ownedByListener, true), { guest: true, listener: true, broadcaster: true, admin: true }],
  ['need the PIN of the listener’s party', (a) => P.needsPartyPin(party, a.id), { guest: true, listener: false, broadcaster: true, admin: true }],
  ['pair a library agent', P.mayPairLibrary, { guest: 'forbidden', listener: true, broadcaster: true, admin: true }],
  ['manage the listener’s agent', (a) => P.mayManageAgent(a, ownedByListener), { guest: false, listener: true, broadcaster: false, admin: false }],
];

describe('permission policy', () => {
  for (const [what, decide, expected] of table) {
    it(`${what}: ${Object.entries(expected).map(([who, verdict]) => `${who} ${verdict === true ? 'yes' : verdict === false ? 'no' : verdict}`).join(', ')}`, () => {
      const got = Object.fromEntries(Object.entries(actors).map(([who, actor]) => [who, outcome(decide(actor))]));
      expect(got).toEqual(expected);
    });
  }

  it('the room role: owner and admins host, everyone else is a member', () => {
    expect(Object.values(actors).map((a) => P.roomRole(a, ownedByListener))).toEqual(['member', 'host', 'member', 'host']);
    // An admin role on a guest row (impossible by construction) grants nothing.
    expect(P.roomRole({ id: 'x', role: 'admin', isGuest: true }, ownedByListener)).toBe('member');
  });

  it('producer caps follow the room kind and role', () => {
    expect([P.producerCap(broadcaster, djRoom, 'audio'), P.producerCap(listener, djRoom, 'audio'), P.producerCap(listener, voiceRoom, 'audio')]).toEqual([2, 0, 1]);
  });

  const decisions: [string, P.Decision | boolean, true | false | string][] = [
    ['a party member with locked controls', P.mayControlParty(party, 'p-other'), false],
    ['the party host with locked controls', P.mayControlParty(party, 'p-host'), true],
    ['anyone with open controls', P.mayControlParty(openParty, 'p-other'), true],
    ['a member hands over the host role', P.mayHostParty(party, 'p-other', 'hand over'), 'forbidden'],
    ['the host hands over the host role', P.mayHostParty(party, 'p-host', 'hand over'), true],
    ['an open party needs no PIN', P.needsPartyPin({ ...party, pinHash: null }, 'g'), false],
    ['the studio bars a listener from chat', P.mayBarFromChat(channel, 'l'), true],
    ['the studio bars itself', P.mayBarFromChat(channel, 'b'), 'bad_request'],
    ['a banned account enters', P.mayEnterRoom({ bannedUntil: Date.UTC(2030, 0, 1) }), 'banned'],
    ['an account without a ban enters', P.mayEnterRoom({}), true],
    ['unmuting after a moderator mute in a moderated room', P.mayUnmute({ muted: true, moderated: true }), 'forbidden'],
    ['unmuting after a moderator mute elsewhere', P.mayUnmute({ muted: true, moderated: false }), true],
    ['unmuting unmuted', P.mayUnmute({ muted: false, moderated: true }), true],
  ];
  for (const [what, decision, expected] of decisions) {
    it(`${what}: ${expected}`, () => expect(outcome(decision)).toBe(expected));
  }

  it('enforce throws the refusal as a typed error and lets an allowed decision pass', () => {
    expect(() => P.enforce(null)).not.toThrow();
    const thrown = (() => {
      try {
        P.enforce(P.mayEnterRoom({ bannedUntil: Date.UTC(2030, 0, 1) }));
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(RoomcastError);
    expect((thrown as RoomcastError).code).toBe('banned');
    expect((thrown as RoomcastError).message).toContain('2030-01-01T00:00:00.000Z');
  });
});
