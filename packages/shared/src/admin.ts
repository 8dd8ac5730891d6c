import { z } from 'zod';
import { RoomKind } from './common.js';
import { RoomView } from './http.js';
import { sfuMethods } from './sfu.js';
import { PeerView } from './socket.js';

/** GET /api/admin/rooms?kind= — open rooms, newest first, each with who is in it now (its live sessions). */
export const AdminRoomsQuery = z.object({ kind: RoomKind.optional() });
export type AdminRoomsQuery = z.infer<typeof AdminRoomsQuery>;
export const AdminRoomView = RoomView.extend({
  ownerName: z.string(),
  people: z.array(PeerView.pick({ peerId: true, userId: true, displayName: true, isGuest: true, mic: true })),
});
export type AdminRoomView = z.infer<typeof AdminRoomView>;
export const AdminRoomsResponse = z.object({ rooms: z.array(AdminRoomView) });
export type AdminRoomsResponse = z.infer<typeof AdminRoomsResponse>;

/** GET /api/admin/stats — the media workers, who is live, accounts, and socket refusals by code. */
export const AdminStatsResponse = z.object({
  sfu: sfuMethods['server.stats'].result,
  live: z.object({ rooms: z.number().int(), peers: z.number().int(), producers: z.number().int() }),
  users: z.number().int(),
  refused: z.record(z.string(), z.number().int()),
});
export type AdminStatsResponse = z.infer<typeof AdminStatsResponse>;
