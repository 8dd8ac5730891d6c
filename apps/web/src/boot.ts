import { startSessionCheck } from './api/early';

/**
 * The entry's first work, before the app's code has even loaded: what a page will need is asked
 * for now, in parallel, instead of one step after another. The session check starts here. On a
 * room link the socket opens first (it proves the session itself, so it need not wait for the
 * check, and it joins as soon as it connects); the room's code and the app load after it, so
 * their evaluation does not hold the socket's small chunk back. Resolves when the rest may load.
 */
export async function boot(): Promise<void> {
  performance.mark('roomcast:boot');
  startSessionCheck();
  const roomId = /^\/r\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];
  if (!roomId) return;
  const id = decodeURIComponent(roomId);
  try {
    const { preconnect } = await import('./room/preconnect');
    preconnect(id);
  } catch {
    // The room's code connects by itself.
  }
  void import('./stores/room').then(({ useRoom }) => {
    performance.mark('roomcast:room-code');
    useRoom.getState().preload(id);
  });
  void import('./pages/RoomPage');
}
