import type { Logger } from 'pino';
import { clampEffect, PARTY, RoomcastError, type ChatMessage } from '@roomcast/shared';
import type { Database } from '../db/index.js';
import { consume, tryAgainLater } from '../limits/consume.js';
import type { Limiters } from '../limits/limiters.js';
import { addChat, command, deleteChat, editQueue, handOver, presenceOf, react, setBuffering, setControls, setMeshFailed, startVideo } from '../party/party-rules.js';
import type { PartyService } from '../party/party-service.js';
import type { Clock } from '../rooms/clock.js';
import { playableVideo, type VideoAccess } from '../videos/video-store.js';
import type { Dispatcher } from './dispatch.js';
import { channel, currentRoom, type RoomcastSocket } from './types.js';

export interface PartyDeps {
  db: Database;
  party: PartyService;
  videoAccess: VideoAccess;
  /** The room clock every member syncs to (server epoch ms). */
  clock: Clock;
  log: Logger;
  limiters: Limiters;
}

/** Chat messages one person may send per 10 s: talk, not a flood. */
const CHAT_PER_10S = 20;

/**
 * The party's requests: clock samples, commands, chat, host hand-over, the control lock and
 * the queue. The server applies each to the party's state first (refusing members without
 * control rights) and then tells the room, so the mesh copies peers see are never the only
 * word. Returns the per-connection registration; the chat limiter is shared by all.
 */
export function partyHandlers(deps: PartyDeps): (socket: RoomcastSocket, on: Dispatcher) => void {
  const { party, clock } = deps;
  const parties = party.parties;
  const chatLimiter = deps.limiters.create('party-chat', { points: CHAT_PER_10S, durationSeconds: 10 });
  const reactionLimiter = deps.limiters.create('party-reactions', { points: PARTY.reactionsPer10s, durationSeconds: 10 });

  return (socket, on) => {
    const here = () => {
      const at = currentRoom(socket);
      if (at.kind !== 'watch') throw new RoomcastError('forbidden', 'this room is not a watch party');
      return at;
    };
    const room = (roomId: string) => socket.nsp.to(channel(roomId));

    on.on('party:time', async () => {
      here();
      return { serverTime: clock() };
    });

    on.on('party:command', async (request) => {
      const at = here();
      const effectAt = clampEffect(request.effectAt, clock());
      const next = await parties.update(at.roomId, (p) => command(p, at.peerId, { ...request, effectAt }));
      room(at.roomId).emit('party:state', next.state);
      return { state: next.state };
    });

    on.on('party:buffering', async ({ buffering }) => {
      const at = here();
      const before = await parties.get(at.roomId);
      const next = await parties.update(at.roomId, (p) => setBuffering(p, at.peerId, buffering, clock()));
      if (next.state.seq !== before?.state.seq) room(at.roomId).emit('party:state', next.state);
      return {};
    });

    on.on('party:meshFailed', async ({ failed }) => {
      const at = here();
      const before = await parties.get(at.roomId);
      const next = await parties.update(at.roomId, (p) => setMeshFailed(p, at.peerId, failed));
      // Only a change of voice mode is news for the others.
      if (!before || presenceOf(before).voice !== presenceOf(next).voice) room(at.roomId).emit('party:presence', presenceOf(next));
      return {};
    });

    on.on('party:chat', async ({ id, text }) => {
      const at = here();
      await consume(chatLimiter, socket.data.user.id, tryAgainLater(`at most ${CHAT_PER_10S} messages per 10 seconds`));
      const message: ChatMessage = { id, peerId: at.peerId, displayName: socket.data.user.displayName, text, at: clock() };
      const before = await parties.get(at.roomId);
      await parties.update(at.roomId, (p) => addChat(p, message));
      // A repeated id (the page retried) is answered, not said twice.
      if (!before?.chat.some((m) => m.id === id)) room(at.roomId).emit('party:chat', message);
      return { message };
    });

    on.on('party:react', async ({ id, emoji, on: add }) => {
      const at = here();
      await consume(reactionLimiter, socket.data.user.id, tryAgainLater(`at most ${PARTY.reactionsPer10s} reactions per 10 seconds`));
      const next = await parties.update(at.roomId, (p) => react(p, at.peerId, id, emoji, add));
      const reactions = next.chat.find((m) => m.id === id)?.reactions ?? {};
      room(at.roomId).emit('party:reactions', { id, reactions });
      return { reactions };
    });

    on.on('party:deleteChat', async ({ id }) => {
      const at = here();
      await parties.update(at.roomId, (p) => deleteChat(p, at.peerId, id));
      room(at.roomId).emit('party:chatDeleted', { id });
      return {};
    });

    on.on('party:handover', async ({ peerId }) => {
      const at = here();
      const next = await parties.update(at.roomId, (p) => handOver(p, at.peerId, peerId));
      room(at.roomId).emit('party:presence', presenceOf(next));
      return {};
    });

    on.on('party:controls', async ({ controls }) => {
      const at = here();
      const next = await parties.update(at.roomId, (p) => setControls(p, at.peerId, controls));
      room(at.roomId).emit('party:presence', presenceOf(next));
      return {};
    });

    on.on('party:queue', async (op) => {
      const at = here();
      if (op.op === 'next') {
        const current = await parties.get(at.roomId);
        const first = current?.queue[0];
        if (!first) throw new RoomcastError('not_found', 'the queue is empty');
        const video = await party.video(first.videoId);
        const start = clock() + PARTY.commandLeadMs;
        const next = await parties.update(at.roomId, (p) => startVideo(p, at.peerId, { id: video.id, title: video.title, durationS: video.durationMs / 1000 }, start));
        room(at.roomId).emit('party:video', { video, state: next.state, queue: [...next.queue] });
        return { queue: [...next.queue] };
      }
      const item = op.op === 'add'
        ? { videoId: op.videoId, title: (await playableVideo(deps.db.videos, deps.videoAccess, op.videoId, socket.data.user)).title }
        : undefined;
      const next = await parties.update(at.roomId, (p) => editQueue(p, at.peerId, op, item));
      room(at.roomId).emit('party:queue', { queue: [...next.queue] });
      return { queue: [...next.queue] };
    });
  };
}
