import { Id, type UserView } from '@roomcast/shared';
import { create } from 'zustand';
import type { MicSettings } from '../media/microphone';
import { VoiceRoom, type VoiceRoomSnapshot } from '../room/voice-room';
import { useSession } from './session';

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
  snapshot: VoiceRoomSnapshot | null;
  /** Whether remote audio is waiting for a click because the browser blocked autoplay. */
  audioBlocked: boolean;
  /** Per-person volume and local mute, by user id so they survive that person's rejoin. */
  playback: Record<string, Playback>;
  /**
   * Starts joining before anyone renders (a room link being opened): the socket connects while
   * the app's bundle and session check are still on their way. `join` then takes it over.
   */
  preload(roomId: string): void;
  join(roomId: string, userId: string): void;
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
let client: VoiceRoom | null = null;
/** Whose session the client joined with; null when preloaded before the session was known. */
let clientUser: string | null = null;
let pendingClose: ReturnType<typeof setTimeout> | undefined;

function closeClient(): void {
  clearTimeout(pendingClose);
  pendingClose = undefined;
  client?.close();
  client = null;
  clientUser = null;
}

/** The session ended or changed under the room: the session store follows. */
const sessionHooks = {
  onSessionEnded: (reason: string) => useSession.getState().ended(reason),
  onSessionUpdated: (user: UserView) => useSession.getState().updated(user),
};

/** A projection of the room client for React; the client is the source of truth. */
export const useRoom = create<RoomStore>()((set) => {
  const open = (roomId: string, userId: string | null) => {
    closeClient();
    const next = new VoiceRoom(roomId, undefined, sessionHooks);
    client = next;
    clientUser = userId;
    set({ roomId, snapshot: next.getSnapshot(), audioBlocked: false });
    next.subscribe((snapshot) => {
      if (client === next) set({ snapshot });
    });
    next.start();
  };

  return {
    roomId: null,
    snapshot: null,
    audioBlocked: false,
    playback: {},

    preload(roomId) {
      // An id the server could never have issued is "not found" on the page, without asking.
      if (!client && Id.safeParse(roomId).success) open(roomId, null);
    },

    join(roomId, userId) {
      clearTimeout(pendingClose);
      pendingClose = undefined;
      const status = client?.getSnapshot().status;
      // Reuse the running client: preloaded for this visit, or kept through React's StrictMode
      // remount (which unmounts and mounts again at once in development).
      const reusable = client?.roomId === roomId && (clientUser === null || clientUser === userId) && status !== 'failed' && status !== 'closed';
      if (reusable) {
        clientUser = userId;
        set({ roomId, snapshot: client!.getSnapshot() });
        return;
      }
      open(roomId, userId);
    },

    leave() {
      // Deferred by a tick, so an unmount followed at once by a mount keeps the same visit.
      clearTimeout(pendingClose);
      pendingClose = setTimeout(() => {
        closeClient();
        set({ roomId: null, snapshot: null, audioBlocked: false });
      }, 0);
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
  };
});
