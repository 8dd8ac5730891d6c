import { roomRule, type JoinResult, type MicState, type PeerView } from '@roomcast/shared';
import type { types } from 'mediasoup-client';
import { toApiError } from '../api/errors';
import { DEFAULT_MIC_SETTINGS, describeMicError, type MicDevice, type MicSettings } from '../media/microphone';
import { Superseded, type JoinSession } from './join-session';
import type { StateHost } from './state';
import type { RoomContext, RoomPart } from './types';

/**
 * Voice: mono, silence suppressed (DTX) and loss-tolerant (in-band FEC). A paused producer
 * sends no RTP at all (zeroRtpOnPause), so "muted" and "push-to-talk key up" mean silence on
 * the wire, not encoded silence.
 */
const OPUS_OPTIONS: types.ProducerCodecOptions = { opusStereo: false, opusDtx: true, opusFec: true };

export const MODERATOR_LOCKED = 'A moderator muted you; you can unmute once they allow it.';

export function moderatorMutedMessage(moderated: boolean): string {
  return moderated ? MODERATOR_LOCKED : 'A moderator muted you. You can unmute yourself.';
}

/**
 * Our own microphone as this page knows it: the server's `live`/`muted` (shared `MicState`,
 * less `none`), or `pending` before the capture is known and `unavailable` when there is none.
 */
export type OwnMic = Exclude<MicState, 'none'> | 'pending' | 'unavailable';

export interface MicSlice {
  mic: OwnMic;
  micMessage: string | null;
  micSettings: MicSettings;
  microphones: MicDevice[];
  /** Push-to-talk: muted except while the talk key (or button) is held. */
  pushToTalk: boolean;
  talking: boolean;
}

export const initialMic = (): MicSlice => ({
  mic: 'pending',
  micMessage: null,
  micSettings: DEFAULT_MIC_SETTINGS,
  microphones: [],
  pushToTalk: false,
  talking: false,
});

export interface MicDeps {
  getMicrophone(settings: MicSettings): Promise<MediaStreamTrack>;
  listMicrophones?(): Promise<MicDevice[]>;
}

type MicHostState = MicSlice & { self: PeerView | null; moderated: boolean };

/**
 * The person's own microphone across every join of one visit: the capture (asked for once,
 * reused by rejoins), its producer on the session's send transport, mute, push-to-talk, device
 * and processing settings, and a moderator's lock. Mute state is the server's too: every change
 * is a producer pause/resume, retried while the server is busy and reported if refused.
 */
export class MicPart implements RoomPart {
  /** What the person wants (or the talk key says); applied to each new producer. */
  private muted = false;
  private track: Promise<MediaStreamTrack> | null = null;
  private producer: types.Producer | null = null;
  /** The moderator mute we last saw on our own peer, to tell a change. */
  private lockedByModerator = false;

  constructor(
    private readonly ctx: RoomContext,
    private readonly store: StateHost<MicHostState>,
    private readonly deps: MicDeps,
  ) {
    ctx.on('peer:updated', (peer) => {
      if (peer.peerId === ctx.session()?.selfPeerId) this.selfUpdated(peer);
    });
    ctx.on('room:moderation', ({ moderated }) => {
      if (store.get().self?.moderatorMuted) store.update({ micMessage: moderatorMutedMessage(moderated) });
    });
  }

  /** Asks for the microphone as soon as the server let us in (the prompt is the slowest step). */
  connected(): void {
    if (this.track) return;
    this.track = this.deps.getMicrophone(this.store.get().micSettings);
    this.track.then(() => this.refreshDevices(), () => undefined); // failures are reported when produced
  }

  close(): void {
    this.track?.then((track) => track.stop(), () => undefined);
  }

  /** The capture (asked for now if not yet): a watch party's peer-to-peer voice sends it too. */
  capture(): Promise<MediaStreamTrack> {
    this.connected();
    return this.track!;
  }

  /** Takes the microphone off the SFU (the capture stays): a watch party's voice went peer to peer. */
  async unpublish(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (!producer || producer.closed) return;
    producer.close();
    await this.ctx.request('sfu:closeProducer', { producerId: producer.id }, { retry: true }).catch(() => undefined);
  }

  reset(): void {
    this.producer = null;
  }

  /** Publishes the microphone into a fresh session, muted if the person (or a moderator) wants. */
  async join(session: JoinSession, joined: JoinResult): Promise<void> {
    const host = joined.room.ownerId === joined.self.userId || joined.self.role === 'admin' ? 'host' : 'member';
    if (roomRule(joined.room.kind, host).producers.audio === 0) {
      this.store.update({ mic: 'unavailable', micMessage: 'You listen in this room; speaking is not open to you here.' });
      return;
    }
    this.lockedByModerator = joined.self.moderatorMuted;
    // A moderator's mute follows us through rejoins: the server starts our producer paused.
    if (joined.self.moderatorMuted) {
      this.muted = true;
      this.store.update({ micMessage: moderatorMutedMessage(joined.moderated) });
    }
    this.connected();
    const transport = session.transport('send');
    transport.catch(() => undefined); // awaited below unless there is no microphone
    const track = await this.capturedTrack(session);
    if (!track) return;
    const producer = await (await session.guard(transport)).transport.produce({
      track,
      stopTracks: false, // tracks outlive producers: a rejoin reuses the same capture
      zeroRtpOnPause: true,
      codecOptions: OPUS_OPTIONS,
      appData: { source: 'mic' },
    });
    session.check();
    this.producer = producer;
    if (this.muted) {
      producer.pause();
      await session.guard(this.ctx.request('sfu:pauseProducer', { producerId: producer.id }, { retry: true }));
    }
    const { self, moderated } = this.store.get();
    this.store.update({ mic: this.muted ? 'muted' : 'live', micMessage: self?.moderatorMuted ? moderatorMutedMessage(moderated) : null });
  }

  /** Mutes or unmutes by the person's choice; a moderator's lock in a moderated room wins. */
  setMuted(muted: boolean): void {
    if (!muted && this.locked()) return this.store.update({ micMessage: MODERATOR_LOCKED });
    this.apply(muted);
  }

  /** Push-to-talk on or off; either way the microphone starts muted (nothing sent by surprise). */
  setPushToTalk(on: boolean): void {
    this.store.update({ pushToTalk: on, talking: false });
    this.apply(true);
  }

  /** The talk key or button went down (true) or up (false); ignored outside push-to-talk. */
  setTalking(held: boolean): void {
    const state = this.store.get();
    if (!state.pushToTalk || held === state.talking) return;
    if (held && this.locked()) return this.store.update({ micMessage: MODERATOR_LOCKED });
    this.store.update({ talking: held });
    this.apply(!held);
  }

  /** Switches microphone or voice processing mid-call: the producer swaps tracks, no renegotiation. */
  async setSettings(patch: Partial<MicSettings>): Promise<void> {
    const settings = { ...this.store.get().micSettings, ...patch };
    this.store.update({ micSettings: settings });
    const previous = this.track;
    const next = this.deps.getMicrophone(settings);
    this.track = next;
    try {
      const track = await next;
      const producer = this.producer;
      if (producer && !producer.closed) await producer.replaceTrack({ track });
      if (this.ctx.closed()) track.stop();
      this.store.update({ micMessage: null });
      void this.refreshDevices();
    } catch (error) {
      console.warn('[room] microphone switch failed', error);
      this.track = previous;
      this.store.update({ micMessage: describeMicError(error) });
      return;
    }
    previous?.then((old) => old.stop(), () => undefined);
  }

  /** Our own peer changed on the server: follow a moderator's mute (already applied there). */
  private selfUpdated(peer: PeerView): void {
    const before = this.lockedByModerator;
    this.lockedByModerator = peer.moderatorMuted;
    if (peer.moderatorMuted && !before) {
      this.apply(true, false);
      this.store.update({ talking: false, micMessage: moderatorMutedMessage(this.store.get().moderated) });
    } else if (!peer.moderatorMuted && before) {
      this.store.update({ micMessage: 'A moderator allowed you to speak again — unmute when you are ready.' });
    }
  }

  /** The capture, asked again if it ended since the last join; null (and said so) if there is none. */
  private async capturedTrack(session: JoinSession): Promise<MediaStreamTrack | null> {
    if (this.store.get().mic === 'pending') this.store.update({ micMessage: 'Waiting for the microphone…' });
    try {
      let track = await session.guard(this.track!);
      if (track.readyState === 'ended') {
        // Unplugged or revoked since the last join: ask again.
        this.track = this.deps.getMicrophone(this.store.get().micSettings);
        track = await session.guard(this.track);
      }
      return track;
    } catch (error) {
      if (error instanceof Superseded) throw error;
      console.warn('[room] microphone unavailable', error);
      this.store.update({ mic: 'unavailable', micMessage: describeMicError(error) });
      return null;
    }
  }

  private locked(): boolean {
    const { self, moderated } = this.store.get();
    return Boolean(self?.moderatorMuted && moderated);
  }

  /**
   * Pauses or resumes the producer on both ends: the browser stops sending at once, the SFU
   * stops forwarding when asked (`tell` false: the server already did it, a moderator's mute).
   */
  private apply(muted: boolean, tell = true): void {
    this.muted = muted;
    const producer = this.producer;
    const { mic } = this.store.get();
    if (!producer || producer.closed) {
      if (mic === 'live' || mic === 'muted') this.store.update({ mic: muted ? 'muted' : 'live' });
      return;
    }
    if (muted === producer.paused && mic === (muted ? 'muted' : 'live')) return;
    if (muted) producer.pause();
    else producer.resume();
    this.store.update({ mic: muted ? 'muted' : 'live' });
    if (!tell) return;
    const event = muted ? 'sfu:pauseProducer' : 'sfu:resumeProducer';
    this.ctx.request(event, { producerId: producer.id }, { retry: true }).catch((error: unknown) => {
      if (producer !== this.producer || producer.closed) return;
      console.warn(`[room] ${event} failed`, error);
      const reason = toApiError(error).message;
      if (muted) {
        // We send nothing, but the room may still show our microphone on: say so.
        this.store.update({ micMessage: `Muted here, but the server did not take it (${reason}); others may still see your microphone on.` });
        return;
      }
      // Refused (a moderator's lock): the server kept it paused, so must we.
      this.muted = true;
      producer.pause();
      this.store.update({ mic: 'muted', talking: false, micMessage: reason });
    });
  }

  private async refreshDevices(): Promise<void> {
    const microphones = await this.deps.listMicrophones?.().catch(() => []);
    if (microphones) this.store.update({ microphones });
  }
}
