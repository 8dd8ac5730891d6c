import type { Logger } from 'pino';
import { LIMITS, RoomcastError, type ConsumerOptions, type ProducerInfo, type SfuControl } from '@roomcast/shared';
import { iceExtras } from '../auth/ice-config.js';
import type { TurnSettings } from '../auth/turn-credentials.js';
import type { PartyStore } from '../party/party-store.js';
import { presenceOf } from '../party/party-rules.js';
import type { LiveRoomStore, PeerPatch } from '../rooms/live-store.js';
import type { ModerationStore } from '../rooms/moderation-store.js';
import type { Dispatcher } from './dispatch.js';
import { enforce, mayProduce, mayUnmute, producerCap } from '../auth/policy.js';
import { channel, currentRoom, type RoomcastIo, type RoomcastSocket, type SocketRoom } from './types.js';

export interface MediaDeps {
  sfu: SfuControl;
  live: LiveRoomStore;
  moderation: ModerationStore;
  log: Logger;
  /** Hands clients short-lived TURN credentials with every transport, when TURN is configured. */
  turn: TurnSettings | undefined;
  /** Handed to clients with every transport (ICE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number | undefined;
  /** Watch parties: a member may put a microphone on the SFU only while the party's voice is there. */
  party?: { parties: PartyStore };
}

/**
 * The SFU calls a member may make, scoped to its own room and peer. The server creates the
 * consumers a member needs (on its receive transport, and for it whenever someone publishes),
 * so joining costs the same few requests whatever the room's size.
 */
export function registerMediaHandlers(socket: RoomcastSocket, on: Dispatcher, deps: MediaDeps): void {
  const { sfu, live, moderation, log } = deps;

  const here = () => currentRoom(socket);
  /** After every wait: the connection may have gone, or left, meanwhile. */
  const stillHere = (at: SocketRoom) => {
    if (socket.disconnected || socket.data.room?.peerId !== at.peerId) throw new RoomcastError('not_in_room', 'you left the room');
  };
  const scope = (at: SocketRoom) => ({ roomId: at.roomId, peerId: at.peerId });

  /** Mic state is server-known: every page (the peer's own too) shows it from this event. */
  const setMic = async (at: SocketRoom, patch: PeerPatch) => {
    const view = await live.updatePeer(at.roomId, at.peerId, patch);
    if (view) socket.nsp.to(channel(at.roomId)).emit('peer:updated', view);
  };

  /** This peer's producer as the store knows it (pause state matters only for microphones). */
  const ownProducer = async (at: SocketRoom, producerId: string) =>
    (await live.room(at.roomId))?.producers.find((p) => p.producerId === producerId && p.peerId === at.peerId);

  /** Every other member with a consuming transport gets consumers of the new producer, pushed. */
  const fanOut = async (at: SocketRoom, producer: ProducerInfo) => {
    const room = await live.room(at.roomId);
    const others = room?.peers.filter((p) => p.view.peerId !== at.peerId) ?? [];
    await Promise.all(
      others.map(async (member) => {
        try {
          const { consumers } = await sfu.request('consumer.createMany', { roomId: at.roomId, peerId: member.view.peerId, producerIds: [producer.producerId] });
          if (consumers.length > 0) socket.nsp.to(member.socketId).emit('consumer:new', { consumers });
        } catch (error) {
          // A member that left meanwhile has nothing to consume with; anything else is worth a line.
          if (!(error instanceof RoomcastError && (error.code === 'not_in_room' || error.code === 'not_found'))) {
            log.warn({ err: error, roomId: at.roomId, peerId: member.view.peerId }, 'could not create consumers for a member');
          }
        }
      }),
    );
  };

  on.on('sfu:createTransport', async (req) => {
    const at = here();
    if (at.transports >= LIMITS.perPeer.transports) {
      throw new RoomcastError('limit_exceeded', `at most ${LIMITS.perPeer.transports} transports per person in a room`);
    }
    at.transports += 1;
    const options = await sfu.request('transport.create', { ...req, ...scope(at) }).catch((error: unknown) => {
      at.transports -= 1;
      throw error;
    });
    stillHere(at);
    let consumers: ConsumerOptions[] | undefined;
    if (req.direction === 'recv' && req.rtpCapabilities) {
      const producers = (await live.room(at.roomId))?.producers ?? [];
      const producerIds = producers.filter((p) => p.peerId !== at.peerId).map((p) => p.producerId).slice(0, LIMITS.batch);
      consumers = producerIds.length > 0 ? (await sfu.request('consumer.createMany', { ...scope(at), producerIds })).consumers : [];
      stillHere(at);
    }
    return { ...options, ...iceExtras(deps, socket.data.user.id), ...(consumers ? { consumers } : {}) };
  });
  on.on('sfu:connectTransport', async (req) => sfu.request('transport.connect', { ...req, ...scope(here()) }));
  on.on('sfu:restartIce', async (req) => {
    const restarted = await sfu.request('transport.restartIce', { ...req, ...scope(here()) });
    return { ...restarted, iceServers: iceExtras(deps, socket.data.user.id).iceServers };
  });

  on.on('sfu:produce', async (req) => {
    const at = here();
    const user = socket.data.user;
    enforce(mayProduce(user, at, req.kind));
    const max = producerCap(user, at, req.kind);
    if (at.kind === 'watch') {
      const party = await deps.party?.parties.get(at.roomId);
      if (!party || presenceOf(party).voice !== 'sfu') throw new RoomcastError('forbidden', 'this party talks peer to peer; the server carries voice only for larger parties');
    }
    const mine = (await live.room(at.roomId))?.producers.filter((p) => p.peerId === at.peerId && p.kind === req.kind).length ?? 0;
    if (mine >= max) throw new RoomcastError('limit_exceeded', `at most ${max} ${req.kind} producer(s) per person in this room`);
    const result = await sfu.request('producer.create', { ...req, ...scope(at) });
    stillHere(at);
    // A moderator's mute follows the account through rejoins: its new microphone starts paused.
    const forced = req.kind === 'audio' && (await moderation.view(at.roomId, user.id)).muted;
    if (forced) await sfu.request('producer.pause', { ...scope(at), producerId: result.producerId });
    const info: ProducerInfo = { producerId: result.producerId, peerId: at.peerId, kind: req.kind, paused: forced };
    if (!(await live.addProducer(at.roomId, info))) {
      await sfu.request('producer.close', { ...scope(at), producerId: result.producerId }).catch(() => undefined);
      throw new RoomcastError('not_in_room', 'you left the room');
    }
    socket.to(channel(at.roomId)).emit('producer:new', info);
    if (req.kind === 'audio') await setMic(at, { mic: forced ? 'muted' : 'live' });
    await fanOut(at, info);
    return result;
  });
  on.on('sfu:pauseProducer', async (req) => {
    const at = here();
    await sfu.request('producer.pause', { ...req, ...scope(at) });
    const producer = await live.setProducerPaused(at.roomId, req.producerId, true);
    if (producer?.kind === 'audio') await setMic(at, { mic: 'muted' });
    return {};
  });
  on.on('sfu:resumeProducer', async (req) => {
    const at = here();
    const user = socket.data.user;
    const audio = (await ownProducer(at, req.producerId))?.kind === 'audio';
    const policy = await moderation.view(at.roomId, user.id);
    if (audio) enforce(mayUnmute(policy));
    await sfu.request('producer.resume', { ...req, ...scope(at) });
    await live.setProducerPaused(at.roomId, req.producerId, false);
    if (audio) {
      // Outside a moderated room a moderator's mute is a nudge: unmuting yourself ends it.
      await moderation.setMuted(at.roomId, user.id, false);
      await setMic(at, { mic: 'live', moderatorMuted: false });
    }
    return {};
  });
  on.on('sfu:closeProducer', async (req) => {
    const at = here();
    await sfu.request('producer.close', { ...req, ...scope(at) });
    // Now, not when the SFU's event arrives: the next sfu:produce counts this peer's producers.
    await producerGone(socket.nsp, live, at, req.producerId);
    return {};
  });
  on.on('sfu:resumeConsumers', async (req) => sfu.request('consumer.resumeMany', { ...req, ...scope(here()) }));
  on.on('sfu:produceData', async (req) => sfu.request('dataProducer.create', { ...req, ...scope(here()) }));
  on.on('sfu:consumeData', async (req) => sfu.request('dataConsumer.create', { ...req, ...scope(here()) }));
}

/**
 * A producer closed (asked by its peer, or reported by the SFU): the room hears it once, and a
 * closed microphone sets the peer's mic state back to `none`. Whichever path comes second finds
 * nothing left to do.
 */
export async function producerGone(
  to: Pick<RoomcastIo, 'to'>,
  live: LiveRoomStore,
  at: { roomId: string; peerId: string },
  producerId: string,
): Promise<void> {
  const removed = await live.removeProducer(at.roomId, producerId);
  if (!removed) return;
  to.to(channel(at.roomId)).emit('producer:closed', { producerId, peerId: removed.peerId });
  const view = removed.kind === 'audio' ? await live.updatePeer(at.roomId, removed.peerId, { mic: 'none' }) : undefined;
  if (view) to.to(channel(at.roomId)).emit('peer:updated', view);
}
