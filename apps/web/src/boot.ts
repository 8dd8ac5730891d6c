import { Id } from '@roomcast/shared';
import { startSessionCheck } from './api/early';

/**
 * Runs first, before React renders: what the page will need is asked for now, so it arrives
 * while the rest of the app evaluates instead of one step after another. The session check
 * starts here; on a room link the room page's code loads and the join begins (socket connect,
 * then `room:join`): the socket itself proves the session, so it need not wait for the check.
 */
startSessionCheck();

const roomId = /^\/r\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];
if (roomId && Id.safeParse(roomId).success) {
  void import('./stores/room').then(({ useRoom }) => useRoom.getState().preload(roomId));
  void import('./pages/RoomPage');
}
