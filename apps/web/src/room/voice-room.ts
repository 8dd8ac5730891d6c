import type { ConnectionDeps, ConnectionOptions } from './connection';
import { browserConnectionDeps, browserMicDeps } from './browser-deps';
import { initialConnection } from './membership';
import { initialMic, MicPart, type MicDeps, type MicSlice } from './mic-part';
import { moderate } from './moderation';
import { initialReceive, ReceivePart, type ReceiveState } from './receive-part';
import { RoomUse } from './room-use';
import { initialLinks } from './transports';
import type { ConnectionState, LinkState } from './types';
import type { MicSettings } from '../media/microphone';

/** Everything the voice room page shows; replaced (never mutated) on each change. */
export type VoiceRoomSnapshot = ConnectionState & LinkState & ReceiveState & MicSlice;

export type VoiceRoomDeps = ConnectionDeps & MicDeps;

/**
 * A voice room: the room connection, listening, and the microphone. Joining costs the same
 * requests whatever the room's size: join, create + connect the receive transport (its answer
 * brings the consumers), one resume, create + connect the send transport, produce.
 */
export class VoiceRoom extends RoomUse<VoiceRoomSnapshot> {
  private readonly mic: MicPart;

  constructor(roomId: string, deps: VoiceRoomDeps = { ...browserConnectionDeps, ...browserMicDeps }, options: ConnectionOptions = {}) {
    super(roomId, { ...initialConnection(), ...initialLinks(), ...initialReceive(), ...initialMic() }, deps, { ...options, consume: true });
    this.connection.use(new ReceivePart(this.connection, this.store));
    this.mic = new MicPart(this.connection, this.store, deps);
    this.connection.use(this.mic);
  }

  // The microphone: mute, push-to-talk, device and processing (see MicPart).
  setMuted(muted: boolean): void {
    this.mic.setMuted(muted);
  }
  setPushToTalk(on: boolean): void {
    this.mic.setPushToTalk(on);
  }
  setTalking(held: boolean): void {
    this.mic.setTalking(held);
  }
  setMicSettings(patch: Partial<MicSettings>): Promise<void> {
    return this.mic.setSettings(patch);
  }

  // Moderation: the server checks who may; a refusal shows up as a notice.
  mutePeer(peerId: string): Promise<void> {
    return moderate(this.connection, 'mod:mutePeer', { peerId });
  }
  allowUnmute(peerId: string): Promise<void> {
    return moderate(this.connection, 'mod:allowUnmute', { peerId });
  }
  removePeer(peerId: string): Promise<void> {
    return moderate(this.connection, 'mod:removePeer', { peerId });
  }
  setModerated(moderated: boolean): Promise<void> {
    return moderate(this.connection, 'mod:setModerated', { moderated });
  }
}
