import { create } from 'zustand';
import { RoomClient, type RoomSnapshot } from '../media/room-client';

interface RoomStore {
  /** The room being visited, or null when none. */
  roomId: string | null;
  snapshot: RoomSnapshot | null;
  /** Whether remote audio is waiting for a click because the browser blocked autoplay. */
  audioBlocked: boolean;
  join(roomId: string): void;
  leave(): void;
  retry(): void;
  setMuted(muted: boolean): void;
  setAudioBlocked(blocked: boolean): void;
}

// The client holds live WebRTC objects, so it stays outside the store's serialisable state.
let client: RoomClient | null = null;

/** A projection of the room client for React; the client is the source of truth. */
export const useRoom = create<RoomStore>()((set) => ({
  roomId: null,
  snapshot: null,
  audioBlocked: false,

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
  setAudioBlocked: (audioBlocked) => set({ audioBlocked }),
}));
