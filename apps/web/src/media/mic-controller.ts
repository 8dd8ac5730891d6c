import type { PeerView } from '@roomcast/shared';
import type { types } from 'mediasoup-client';
import { toApiError } from '../api/errors';
import { request } from '../api/socket';
import type { MediaSession } from './media-session';
import { Superseded } from './media-session';
import { describeMicError, type MicDevice, type MicSettings } from './microphone';
import type { RoomSnapshot, RoomSocket } from './room-client';

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

/** What the microphone needs from the room client that owns it. */
export interface MicHost {
  state(): RoomSnapshot;
  update(patch: Partial<RoomSnapshot>): void;
  session(): MediaSession | null;
  socket(): RoomSocket | null;
  closed(): boolean;
}

export interface MicDeps {
  getMicrophone(settings: MicSettings): Promise<MediaStreamTrack>;
  listMicrophones?(): Promise<MicDevice[]>;
}

/**
 * The person's own microphone across every join of one visit: the capture (asked for once,
 * reused by rejoins), its producer, mute, push-to-talk, device and processing settings, and a
 * moderator's lock. Mute state is the server's too: every change is a producer pause/resume.
 */
export class MicController {
  /** What the person wants (or the talk key says); applied to each new producer. */
  private muted = false;
  private track: Promise<MediaStreamTrack> | null = null;

  constructor(
    private readonly host: MicHost,
    private readonly deps: MicDeps,
  ) {}

  /** Asks for the microphone early (the prompt is the slowest step of a first join). */
  capture(): void {
    this.track = this.deps.getMicrophone(this.host.state().micSettings);
    this.track.then(() => this.refreshDevices(), () => undefined); // failures are reported when produced
  }

  release(): void {
    this.track?.then((track) => track.stop(), () => undefined);
  }

  /** Mutes or unmutes by the person's choice; a moderator's lock in a moderated room wins. */
  setMuted(muted: boolean): void {
    if (!muted && this.locked()) {
      this.host.update({ micMessage: MODERATOR_LOCKED });
      return;
    }
    this.apply(muted);
  }

  /** Push-to-talk on or off; either way the microphone starts muted (nothing sent by surprise). */
  setPushToTalk(on: boolean): void {
    this.host.update({ pushToTalk: on, talking: false });
    this.apply(true);
  }

  /** The talk key or button went down (true) or up (false); ignored outside push-to-talk. */
  setTalking(held: boolean): void {
    const state = this.host.state();
    if (!state.pushToTalk || held === state.talking) return;
    if (held && this.locked()) {
      this.host.update({ micMessage: MODERATOR_LOCKED });
      return;
    }
    this.host.update({ talking: held });
    this.apply(!held);
  }

  /** Switches microphone or voice processing mid-call: the producer swaps tracks, no renegotiation. */
  async setSettings(patch: Partial<MicSettings>): Promise<void> {
    const settings = { ...this.host.state().micSettings, ...patch };
    this.host.update({ micSettings: settings });
    const previous = this.track;
    const next = this.deps.getMicrophone(settings);
    this.track = next;
    try {
      const track = await next;
      const producer = this.host.session()?.mic;
      if (producer && !producer.closed) await producer.replaceTrack({ track });
      if (this.host.closed()) track.stop();
      this.host.update({ micMessage: null });
      void this.refreshDevices();
    } catch (error) {
      console.warn('[room] microphone switch failed', error);
      this.track = previous;
      this.host.update({ micMessage: describeMicError(error) });
      return;
    }
    previous?.then((old) => old.stop(), () => undefined);
  }

  /** Our own peer changed on the server: follow a moderator's mute (already applied there). */
  selfUpdated(before: PeerView, after: PeerView): void {
    if (after.moderatorMuted && !before.moderatorMuted) {
      this.apply(true);
      this.host.update({ talking: false, micMessage: moderatorMutedMessage(this.host.state().moderated) });
    } else if (!after.moderatorMuted && before.moderatorMuted) {
      this.host.update({ micMessage: 'A moderator allowed you to speak again — unmute when you are ready.' });
    }
  }

  /** Joined (again) while a moderator's mute stands: the server starts our producer paused. */
  joinedMuted(moderated: boolean): void {
    this.muted = true;
    this.host.update({ micMessage: moderatorMutedMessage(moderated) });
  }

  /** Publishes the microphone into a fresh session, muted if the person (or a moderator) wants. */
  async produce(socket: RoomSocket, session: MediaSession): Promise<void> {
    if (!this.track || !session.send) return;
    if (this.host.state().mic === 'pending') this.host.update({ micMessage: 'Waiting for the microphone…' });
    let track: MediaStreamTrack;
    try {
      track = await session.guard(this.track);
      if (track.readyState === 'ended') {
        // Unplugged or revoked since the last join: ask again.
        this.track = this.deps.getMicrophone(this.host.state().micSettings);
        track = await session.guard(this.track);
      }
    } catch (error) {
      if (error instanceof Superseded) throw error;
      console.warn('[room] microphone unavailable', error);
      this.host.update({ mic: 'unavailable', micMessage: describeMicError(error) });
      return;
    }
    // Tracks outlive producers (stopTracks: false): a rejoin reuses the same capture.
    const producer = await session.send.produce({
      track,
      stopTracks: false,
      zeroRtpOnPause: true,
      codecOptions: OPUS_OPTIONS,
      appData: { source: 'mic' },
    });
    session.mic = producer;
    session.check();
    if (this.muted) {
      producer.pause();
      await session.guard(request(socket, 'sfu:pauseProducer', { producerId: producer.id }));
    }
    const { self, moderated } = this.host.state();
    this.host.update({ mic: this.muted ? 'muted' : 'live', micMessage: self?.moderatorMuted ? moderatorMutedMessage(moderated) : null });
  }

  private locked(): boolean {
    const { self, moderated } = this.host.state();
    return Boolean(self?.moderatorMuted && moderated);
  }

  /** Pauses or resumes the producer on both ends: the SFU stops forwarding, the browser stops sending. */
  private apply(muted: boolean): void {
    this.muted = muted;
    const producer = this.host.session()?.mic;
    const socket = this.host.socket();
    const { mic } = this.host.state();
    if (!producer || producer.closed || !socket) {
      if (mic === 'live' || mic === 'muted') this.host.update({ mic: muted ? 'muted' : 'live' });
      return;
    }
    if (muted === producer.paused && mic === (muted ? 'muted' : 'live')) return;
    if (muted) producer.pause();
    else producer.resume();
    this.host.update({ mic: muted ? 'muted' : 'live' });
    const event = muted ? 'sfu:pauseProducer' : 'sfu:resumeProducer';
    request(socket, event, { producerId: producer.id }).catch((error: unknown) => {
      console.warn(`[room] ${event} failed`, error);
      // Refused (a moderator's lock): the server kept it paused, so must we.
      if (!muted && producer === this.host.session()?.mic && !producer.closed) {
        this.muted = true;
        producer.pause();
        this.host.update({ mic: 'muted', talking: false, micMessage: toApiError(error).message });
      }
    });
  }

  private async refreshDevices(): Promise<void> {
    const microphones = await this.deps.listMicrophones?.().catch(() => []);
    if (microphones) this.host.update({ microphones });
  }
}
