import { randomBytes } from 'node:crypto';
import { playableView, type VideoStore } from '../videos/video-store.js';
import { RoomcastError, type PartySnapshot, type PeerView, type PlayableVideo } from '@roomcast/shared';
import type { Clock } from '../rooms/clock.js';
import { needsPartyPin } from '../auth/policy.js';
import { addMember, presenceOf, removeMember } from './party-rules.js';
import type { Party, PartyStore } from './party-store.js';
import { pinMatches, type PinGuard } from './pin-guard.js';

export interface PartyServiceDeps {
  parties: PartyStore;
  pins: PinGuard;
  videos: VideoStore;
  clock: Clock;
}

/** PeerJS ids are alphanumeric; one per membership, so a rejoin never collides with a stale link. */
const newMeshId = (): string => randomBytes(12).toString('hex');

/**
 * What joining and leaving a watch room means for its party: the PIN gate, membership with
 * host hand-on, and the snapshot a newcomer starts from. The socket layer calls these from
 * `room:join` and the one leave path, and tells the room.
 */
export class PartyService {
  /** Told the mesh id of each membership that ended (the peer server closes its connection). */
  onMeshGone: (meshId: string) => void = () => {};

  constructor(private readonly deps: PartyServiceDeps) {}

  get parties(): PartyStore {
    return this.deps.parties;
  }

  /** Before a join takes a place: the party exists and, when it has a PIN, the caller knows it. */
  async admit(roomId: string, userId: string, pin: string | undefined): Promise<void> {
    const party = await this.deps.parties.get(roomId);
    if (!party) throw new RoomcastError('not_found', 'this party has ended');
    if (party.pinHash === null || !needsPartyPin(party, userId)) return;
    const { verdict, retryAt } = await this.deps.pins.attempt(roomId, userId, pinMatches(party.pinHash, pin));
    if (verdict === 'locked') {
      throw new RoomcastError('rate_limited', `too many wrong PINs; try again after ${new Date(retryAt!).toISOString()}`);
    }
    if (verdict === 'wrong') throw new RoomcastError('forbidden', pin === undefined ? 'this party needs a PIN' : 'wrong PIN');
  }

  /** Adds the member and answers what it starts from. */
  async enter(roomId: string, self: PeerView): Promise<{ party: Party; snapshot: PartySnapshot }> {
    const meshId = newMeshId();
    const party = await this.deps.parties.update(roomId, (p) =>
      addMember(p, { peerId: self.peerId, userId: self.userId, displayName: self.displayName, meshId }),
    );
    const video = await this.video(party.videoId);
    const snapshot: PartySnapshot = {
      video,
      state: party.state,
      presence: presenceOf(party),
      queue: [...party.queue],
      chat: [...party.chat],
      meshId,
      serverTime: this.deps.clock(),
    };
    return { party, snapshot };
  }

  /** Removes the member; undefined when the party is gone. */
  async leave(roomId: string, peerId: string): Promise<{ party: Party; stateChanged: boolean } | undefined> {
    const before = await this.deps.parties.get(roomId);
    if (!before) return undefined;
    const gone = before.members.find((m) => m.peerId === peerId);
    const after = await this.deps.parties.update(roomId, (p) => removeMember(p, peerId, this.deps.clock()));
    if (gone) this.onMeshGone(gone.meshId);
    return { party: after, stateChanged: after.state.seq !== before.state.seq };
  }

  async end(roomId: string): Promise<void> {
    await this.deps.parties.delete(roomId);
    await this.deps.pins.forget(roomId);
  }

  /** The party grants access itself, so the viewer check is not repeated here. */
  async video(videoId: string): Promise<PlayableVideo> {
    const video = await this.deps.videos.findById(videoId);
    if (!video || video.status !== 'ready') throw new RoomcastError('conflict', 'the party\'s video is no longer available');
    return playableView(video);
  }
}
