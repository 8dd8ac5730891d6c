import type { JoinResult, VoiceMode } from '@roomcast/shared';
import { describeMicError } from '../media/microphone';
import { Superseded, type JoinSession } from '../room/join-session';
import { initialMic, MicPart, type MicDeps, type MicSlice } from '../room/mic-part';
import { initialReceive, ReceivePart, type ReceiveState } from '../room/receive-part';
import type { StateHost } from '../room/state';
import type { ConnectionState, RoomContext } from '../room/types';

export interface VoiceSlice {
  /** The person joined the voice chat (opt-in: opening a party never turns a microphone on). */
  voiceOn: boolean;
  /** How the party talks now (the server's word, the same for everyone); null before joining. */
  voiceMode: VoiceMode | null;
  /** Each member's voice over the mesh, by mesh id (SFU voice is `remoteAudio`). */
  meshAudio: Record<string, MediaStream>;
}

export type PartyVoiceState = MicSlice & ReceiveState & VoiceSlice;

export const initialVoice = (): PartyVoiceState => ({ ...initialMic(), ...initialReceive(), voiceOn: false, voiceMode: null, meshAudio: {} });

/** Longest a member keeps its SFU microphone after voice went back to the mesh, while the calls connect. */
const MESH_TAKEOVER_MS = 5_000;

type VoiceStore = StateHost<PartyVoiceState & ConnectionState> & { subscribe(listener: (state: PartyVoiceState) => void): () => void };

/** What voice needs of the party's mesh. */
export interface VoiceMesh {
  /** Sends this capture to every member over the mesh, or hangs up (null). */
  sendVoice(track: MediaStreamTrack | null): void;
}

/**
 * The party's voice: one capture, sent over PeerJS media calls while the party is small and
 * through the SFU (the voice room's microphone and receive parts) when the server says so.
 * A switch to the SFU hangs up the mesh calls only once the SFU carries the voice, and a
 * switch back takes the microphone off the SFU only once the calls are placed, so the
 * conversation never drops. Mute and push-to-talk act on the capture itself (mesh) and on the
 * producer (SFU), through the one microphone state.
 */
export class PartyVoice {
  /** Mute, push-to-talk and device: the voice room's own controls (a muted capture is silent on the mesh too). */
  readonly mic: MicPart;
  private readonly receive: ReceivePart;
  private session: JoinSession | null = null;
  private joined: JoinResult | null = null;
  private mesh: VoiceMesh | null = null;
  private mode: VoiceMode | null = null;
  private track: MediaStreamTrack | null = null;
  private on = false;
  /** Switches run one after another, each on the latest mode. */
  private switching: Promise<void> = Promise.resolve();

  constructor(
    ctx: RoomContext,
    private readonly store: VoiceStore,
    deps: MicDeps,
  ) {
    this.mic = new MicPart(ctx, store, deps);
    this.receive = new ReceivePart(ctx, store);
    // Mesh calls send the capture as it is: a muted microphone is a disabled track.
    store.subscribe((state) => {
      if (this.track) this.track.enabled = state.mic === 'live';
    });
  }

  /** A fresh join: voice runs in the mode the join answer says (once the person joined it). */
  start(session: JoinSession, joined: JoinResult, mesh: VoiceMesh): void {
    this.session = session;
    this.joined = joined;
    this.mesh = mesh;
    this.mode = null;
    if (joined.party) this.setMode(joined.party.presence.voice);
  }

  /** The person joins the voice chat: the microphone is asked for, and voice runs from now on. */
  join(): void {
    if (this.on) return;
    this.on = true;
    this.store.update({ voiceOn: true });
    this.run();
  }

  /** The server moved the party's voice (presence changed). */
  setMode(mode: VoiceMode): void {
    if (mode === this.mode || !this.session) return;
    this.mode = mode;
    this.store.update({ voiceMode: mode });
    this.run();
  }

  /** The session ended (a rejoin follows): its SFU objects and mesh calls are gone with it. */
  reset(): void {
    this.session = null;
    this.mesh = null;
    this.mode = null;
    this.mic.reset();
    this.receive.reset();
    this.store.update({ meshAudio: {}, voiceMode: null });
  }

  close(): void {
    this.mic.close();
  }

  /** Queues a switch to the current mode; a queued switch whose mode is no longer wanted does nothing. */
  private run(): void {
    const { session, mode } = this;
    if (!this.on || !session || !mode) return;
    this.switching = this.switching.then(() => this.apply(session, mode)).catch((error: unknown) => {
      if (error instanceof Superseded || session.closed) return;
      console.warn('[party voice] switch failed', error);
      this.store.update({ micMessage: `Voice: ${(error as Error).message}` });
    });
  }

  private async apply(session: JoinSession, mode: VoiceMode): Promise<void> {
    if (session.closed || this.mode !== mode) return;
    if (mode === 'sfu') {
      await Promise.all([this.receive.join(session), this.mic.join(session, this.joined!)]);
      if (this.mode === 'sfu' && this.session === session) this.mesh?.sendVoice(null);
      return;
    }
    let track: MediaStreamTrack;
    try {
      track = await session.guard(this.mic.capture());
    } catch (error) {
      if (error instanceof Superseded) throw error;
      this.store.update({ mic: 'unavailable', micMessage: describeMicError(error) });
      return;
    }
    if (this.mode !== 'mesh' || this.session !== session) return;
    this.track = track;
    const { mic } = this.store.get();
    if (mic === 'pending' || mic === 'unavailable') this.store.update({ mic: 'live', micMessage: null });
    track.enabled = this.store.get().mic === 'live';
    this.mesh?.sendVoice(track);
    // Everyone heard through the SFU is heard over the mesh first: no gap in the conversation.
    await this.meshCaughtUp();
    if (this.mode === 'mesh' && this.session === session) await this.mic.unpublish();
  }

  private meshCaughtUp(): Promise<void> {
    const done = (s: PartyVoiceState) => Object.keys(s.meshAudio).length >= s.remoteAudio.length;
    if (done(this.store.get())) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(finish, MESH_TAKEOVER_MS);
      const off = this.store.subscribe((s) => done(s) && finish());
    });
  }
}
