import { describe, expect, it } from 'vitest';
import {
  clientRequests,
  CreateRoomBody,
  LIMITS,
  parseOrThrow,
  RoomcastError,
  SignUpBody,
  sfuMethods,
  JsonBlob,
  PeerView,
  serverEvents,
} from './index.js';

describe('HTTP bodies', () => {
  it('normalises email and trims the display name', () => {
    const body = SignUpBody.parse({ email: '  Ada@Example.ORG ', password: 'x', displayName: '  Ada ' });
    expect(body).toEqual({ email: 'ada@example.org', password: 'x', displayName: 'Ada' });
  });

  it('names every bad field in a typed error', () => {
    try {
      parseOrThrow(SignUpBody, { email: 'nope', password: 5, displayName: '' }, 'sign-up');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RoomcastError);
      const err = e as RoomcastError;
      expect(err.code).toBe('bad_request');
      expect(err.issues?.map((i) => i.path).sort()).toEqual(['displayName', 'email', 'password']);
    }
  });

  it('defaults a room to voice and bounds its name', () => {
    expect(CreateRoomBody.parse({ name: 'Lobby' })).toEqual({ name: 'Lobby', kind: 'voice' });
    expect(CreateRoomBody.safeParse({ name: 'x'.repeat(LIMITS.roomName.max + 1) }).success).toBe(false);
    expect(CreateRoomBody.safeParse({ name: 'a', kind: 'karaoke' }).success).toBe(false);
  });
});

describe('socket requests', () => {
  it('never lets a client name its room or peer on SFU calls', () => {
    const parsed = clientRequests['sfu:createTransport'].request.parse({ direction: 'send', roomId: 'evil', peerId: 'evil' });
    expect(parsed).toEqual({ direction: 'send', sctp: false });
  });

  it('rejects oversized opaque blobs', () => {
    const huge = { codecs: 'x'.repeat(LIMITS.jsonBlobBytes + 1) };
    expect(JsonBlob.safeParse(huge).success).toBe(false);
    expect(JsonBlob.safeParse({ codecs: [] }).success).toBe(true);
  });

  it('rejects ids that are not url-safe', () => {
    expect(clientRequests['room:join'].request.safeParse({ roomId: '../etc' }).success).toBe(false);
    expect(sfuMethods['room.open'].params.safeParse({ roomId: 'abc_DEF-1' }).success).toBe(true);
  });
});

describe('voice room state and moderation', () => {
  it('defaults a peer to no microphone and not moderator-muted', () => {
    const peer = PeerView.parse({ peerId: 'p', userId: 'u', displayName: 'Ada', role: 'listener', isGuest: true });
    expect(peer).toMatchObject({ mic: 'none', moderatorMuted: false });
    expect(PeerView.safeParse({ ...peer, mic: 'loud' }).success).toBe(false);
  });

  it('names the target of a moderation request by a url-safe peer id only', () => {
    expect(clientRequests['mod:mutePeer'].request.safeParse({ peerId: 'abc' }).success).toBe(true);
    expect(clientRequests['mod:removePeer'].request.safeParse({ peerId: '../x' }).success).toBe(false);
    expect(clientRequests['mod:setModerated'].request.safeParse({ moderated: 'yes' }).success).toBe(false);
  });

  it('tells a removed peer until when it is banned', () => {
    expect(serverEvents['room:removed'].safeParse({ reason: 'removed', bannedUntil: '2030-01-01T00:00:00.000Z' }).success).toBe(true);
  });
});
