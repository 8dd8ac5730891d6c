import { startSessionCheck } from './api/early';
import { markFirst } from './lib/marks';
import { preconnect } from './room/preconnect';

/**
 * The entry's first work, before the app's code has even loaded: what a page will need is asked
 * for now, in parallel, instead of one step after another. The session check starts here. On a
 * room link the socket opens at once (it proves the session itself, so it need not wait for the
 * check, and it joins as soon as it connects): socket.io-client is part of the entry (41 kB,
 * cached), because a chunk of its own would queue behind the room's code. The room's code loads
 * meanwhile and starts the room as soon as it is in. Only then may the app (React) load: on a
 * busy machine its evaluation would hold the room's code back, and the room is what the person
 * waits for (`pnpm bench:join`). Resolves when the rest may load.
 */
export async function boot(): Promise<void> {
  markFirst('boot');
  startSessionCheck();
  const roomId = /^\/r\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];
  if (!roomId) return;
  const id = decodeURIComponent(roomId);
  // The early socket exists before the room's code runs, so the room takes it over.
  preconnect(id);
  void import('./pages/RoomPage');
  const { useRoom } = await import('./stores/room');
  markFirst('room-code');
  useRoom.getState().preload(id);
}
