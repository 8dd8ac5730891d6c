import type { Logger } from 'pino';
import type { SfuControl, SfuEvents } from '@roomcast/shared';
import type { LiveRoomStore } from '../rooms/live-store.js';
import { producerGone } from './media-handlers.js';
import { channel, type RoomcastIo } from './types.js';

/** What the SFU reports, unasked, reaches the room's members (and the live store). */
export function relaySfuEvents(io: RoomcastIo, sfu: SfuControl, live: LiveRoomStore, log: Logger): void {
  /** SFU events come from another process one day: a failed store call is logged, never thrown. */
  const listen = <E extends keyof SfuEvents>(event: E, handle: (payload: SfuEvents[E]) => Promise<void>) =>
    sfu.on(event, (payload) => void handle(payload).catch((error: unknown) => log.error({ err: error, event }, 'sfu event handling failed')));

  listen('producerClosed', ({ roomId, peerId, producerId }) => producerGone(io, live, { roomId, peerId }, producerId));
  listen('consumerClosed', async ({ roomId, peerId, consumerId }) => {
    const peer = await live.peer(roomId, peerId);
    if (peer) io.to(peer.socketId).emit('consumer:closed', { consumerId });
  });
  listen('activeSpeaker', async ({ roomId, peerId }) => {
    await live.setActiveSpeaker(roomId, peerId);
    io.to(channel(roomId)).emit('room:activeSpeaker', { peerId });
  });
  listen('audioLevels', async ({ roomId, levels }) => void io.to(channel(roomId)).emit('room:audioLevels', { levels }));
  // Only these peers lost their media (an edge router's worker died): only they rejoin.
  listen('peersReset', async ({ roomId, peerIds, reason }) => {
    const peers = await Promise.all(peerIds.map((peerId) => live.peer(roomId, peerId)));
    log.warn({ roomId, peers: peerIds.length, reason }, 'listeners lost their media server; asking them to rejoin');
    for (const peer of peers) if (peer) io.to(peer.socketId).emit('room:rejoin', { reason });
  });
  listen('roomReset', async ({ roomId, reason }) => {
    await live.resetMedia(roomId);
    log.warn({ roomId, reason }, 'room media reset; asking peers to rejoin');
    io.to(channel(roomId)).emit('room:rejoin', { reason });
  });
}
