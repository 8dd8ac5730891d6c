import { create } from 'zustand';
import type { MicSettings } from '../media/microphone';
import { RoomClient, type RoomSnapshot } from '../media/room-client';

/** How this listener hears one other person; local only, never sent anywhere. */
export interface Playback {
  /** 0…1, the <audio> element's volume. */
  volume: number;
  muted: boolean;
}

export const DEFAULT_PLAYBACK: Playback = { volume: 1, muted: false };

interface RoomStore {
  /** The room being visited, or null when none. */
  roomId: string | null;
  snapshot: RoomSnapshot | null;
  /** Whether remote audio is waiting for a click because the browser blocked autoplay. */
  audioBlocked: boolean;
  /** Per-person volume and local mute, by user id so they survive that person's rejoin. */
  playback: Record<string, Playback>;
  join(roomId: string): void;
  leave(): void;
  retry(): void;
  setMuted(muted: boolean): void;
  setPushToTalk(on: boolean): void;
  setTalking(held: boolean): void;
  setMicSettings(patch: Partial<MicSettings>): void;
  setAudioBlocked(blocked: boolean): void;
  setPlayback(userId: string, patch: Partial<Playback>): void;
  mutePeer(peerId: string): void;
  allowUnmute(peerId: string): void;
  removePeer(peerId: string): void;
  setModerated(moderated: boolean): void;
}

// The client holds live WebRTC objects, so it stays outside the store's serialisable state.
let client: RoomClient | null = null;

/** A projection of the room client for React; the client is the source of truth. */
export const useRoom = create<RoomStore>()((set) => ({
  roomId: null,
  snapshot: null,
  audioBlocked: false,
  playback: {},

  join(roomId) {
    client?.close();
    const next = new RoomClient(roomId);
    client = next;
    set({ roomId, snapshot: next.getSnapshot(), audioBlocked: false });
    next.subscribe((snapshot) => {
      if (client === next) set({ snapshot });
    });
    // Started a tick later: React's StrictMode mounts, unmounts and remounts at once in
    // development, and a client closed before it started never opens a socket or a mic.
    setTimeout(() => next.start(), 0);
  },

  leave() {
    client?.close();
    client = null;
    set({ roomId: null, snapshot: null, audioBlocked: false });
  },

  retry: () => client?.retry(),
  setMuted: (muted) => client?.setMuted(muted),
  setPushToTalk: (on) => client?.setPushToTalk(on),
  setTalking: (held) => client?.setTalking(held),
  setMicSettings: (patch) => void client?.setMicSettings(patch),
  setAudioBlocked: (audioBlocked) => set({ audioBlocked }),
  setPlayback: (userId, patch) =>
    set((s) => ({ playback: { ...s.playback, [userId]: { ...DEFAULT_PLAYBACK, ...s.playback[userId], ...patch } } })),
  mutePeer: (peerId) => void client?.mutePeer(peerId),
  allowUnmute: (peerId) => void client?.allowUnmute(peerId),
  removePeer: (peerId) => void client?.removePeer(peerId),
  setModerated: (moderated) => void client?.setModerated(moderated),
}));
