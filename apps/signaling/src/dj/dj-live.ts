import type { Logger } from 'pino';
import { consume, tryAgainLater } from '../limits/consume.js';
import type { Limiter, Limiters } from '../limits/limiters.js';
import { LIMITS, RoomcastError, type BroadcastView, type ChatMessageView, type ChatWire, type DjState, type SfuControl } from '@roomcast/shared';
import type { Database, User } from '../db/index.js';
import { enforce, mayBarFromChat } from '../auth/policy.js';
import { shortId, timeOrderedId } from '../db/ids.js';
import type { Clock } from '../rooms/clock.js';
import type { LiveRoomStore } from '../rooms/live-store.js';
import type { RoomcastIo } from '../socket/types.js';
import { channel as roomChannel } from '../socket/types.js';
import { broadcastView, chatView, type Channel } from './channel-store.js';
import type { LiveCountsStore } from './live-counts.js';
import { tellFollowers, type LiveNowDeps } from './live-now.js';
import { PushThrottle, systemTimers, type Timers } from './push-throttle.js';

/** The label of the server-owned data channel chat fans out on. */
export const CHAT_LABEL = 'chat';

export interface DjSettings {
  bitrateKbps: number;
  likesPerMinute: number;
  chatPerMinute: number;
  countsIntervalMs: number;
  /** How long a live broadcast waits for its studio to come back (a reload, a network change) before it ends. */
  studioGraceMs: number;
}

export interface DjLiveDeps {
  db: Database;
  sfu: SfuControl;
  live: LiveRoomStore;
  counts: LiveCountsStore;
  io: RoomcastIo;
  log: Logger;
  clock: Clock;
  timers?: Timers;
  settings: DjSettings;
  /** Where the like and chat counts live (memory, or Redis when configured). */
  limiters: Limiters;
  /** How followers hear that a channel went live (in the app, and by email when they asked). */
  liveNow?: Omit<LiveNowDeps, 'channels' | 'log'> | undefined;
}

/** Where a request comes from: the member's room and peer, and who they are. */
export interface DjCaller {
  roomId: string;
  peerId: string;
  user: User;
}

/**
 * A DJ room's live side: going on air and off, the listener count, likes and chat. Counts
 * change with every join, leave and like but reach the room as one aggregated push at most
 * every `countsIntervalMs`; chat is checked, limited and stored here, then sent once to the
 * room's server-owned data channel, which the SFU fans out to every listener.
 */
export class DjLive {
  readonly #throttle: PushThrottle;
  readonly #likes: Limiter;
  readonly #chat: Limiter;
  /** Broadcasts whose studio left, ended unless it comes back in time, by room. */
  readonly #orphaned = new Map<string, unknown>();
  /** Studio joins and leaves per room, so a leave whose checks outlast a rejoin sets no timer. */
  readonly #studioMoves = new Map<string, number>();
  /** Followers being told that a channel went live. */
  readonly #telling = new Set<Promise<unknown>>();

  constructor(private readonly deps: DjLiveDeps) {
    const { settings, log } = deps;
    this.#throttle = new PushThrottle(settings.countsIntervalMs, (roomId) => this.#pushCounts(roomId), deps.clock, deps.timers, (error) =>
      log.warn({ err: error }, 'dj counts push failed'),
    );
    this.#likes = deps.limiters.create('dj-likes', { points: settings.likesPerMinute, durationSeconds: 60 });
    this.#chat = deps.limiters.create('dj-chat', { points: settings.chatPerMinute, durationSeconds: 60 });
  }

  /** Someone joined or left a DJ room; the studio itself is not a listener. */
  async membership(event: { roomId: string; peerId: string; host: boolean; joined: boolean }): Promise<void> {
    if (event.host) return this.#studio(event.roomId, event.joined);
    if (event.joined) await this.deps.counts.join(event.roomId, event.peerId);
    else await this.deps.counts.leave(event.roomId, event.peerId);
    this.#throttle.touch(event.roomId);
  }

  async state(at: DjCaller): Promise<DjState> {
    const channel = await this.#channel(at.roomId);
    const live = await this.deps.db.channels.live(channel.id);
    const [counts, chat, recent] = await Promise.all([
      this.deps.counts.counts(at.roomId),
      this.deps.sfu.request('dataChannel.open', { roomId: at.roomId, label: CHAT_LABEL }),
      live ? this.deps.db.channels.recentChat(live.id, LIMITS.dj.chatTail) : [],
    ]);
    return {
      live: live ? broadcastView(live) : null,
      counts,
      chatDataProducerId: chat.dataProducerId,
      recentChat: recent.map(chatView),
      audio: { bitrateKbps: this.deps.settings.bitrateKbps },
    };
  }

  /** The studio goes on air with one of its running producers. */
  async goLive(at: DjCaller, request: { producerId: string; title?: string | undefined }): Promise<BroadcastView> {
    await this.#ownProducer(at, request.producerId);
    const channel = await this.#channel(at.roomId);
    if (await this.deps.db.channels.live(channel.id)) throw new RoomcastError('conflict', 'this channel is already live');
    const broadcast = await this.deps.db.channels.startLive(channel.id, {
      id: shortId(),
      title: request.title ?? channel.title,
      at: new Date(this.deps.clock()),
    });
    await this.deps.counts.begin(at.roomId);
    await this.#record(at.roomId, request.producerId, broadcast.id);
    const view = broadcastView(broadcast);
    this.deps.io.to(roomChannel(at.roomId)).emit('dj:live', { live: view });
    this.#throttle.touch(at.roomId);
    this.deps.log.info({ roomId: at.roomId, broadcastId: broadcast.id, channel: channel.handle }, 'dj live');
    this.#tellFollowers(channel, view);
    return view;
  }

  /**
   * The studio came back to its broadcast (a reload, a dropped connection, a media server
   * restart) with a new producer: the same broadcast goes on, its recording continues in the
   * same archive, and listeners are pushed the new producer like any other.
   */
  async resume(at: DjCaller, request: { producerId: string }): Promise<BroadcastView> {
    await this.#ownProducer(at, request.producerId);
    const { broadcast } = await this.#onAir(at.roomId);
    await this.#record(at.roomId, request.producerId, broadcast.id);
    this.deps.log.info({ roomId: at.roomId, broadcastId: broadcast.id }, 'dj resumed');
    return broadcastView(broadcast);
  }

  async end(at: { roomId: string }): Promise<BroadcastView> {
    const channel = await this.#channel(at.roomId);
    const counts = await this.deps.counts.counts(at.roomId);
    const ended = await this.deps.db.channels.endLive(channel.id, { at: new Date(this.deps.clock()), peakListeners: counts.peak, likes: counts.likes });
    if (!ended) throw new RoomcastError('conflict', 'this channel is not live');
    await this.#finishRecording(at.roomId, ended.id);
    this.deps.io.to(roomChannel(at.roomId)).emit('dj:live', { live: null });
    this.deps.log.info({ roomId: at.roomId, broadcastId: ended.id, peak: counts.peak, likes: counts.likes }, 'dj ended');
    return broadcastView((await this.deps.db.channels.findBroadcast(ended.id)) ?? ended);
  }

  async like(at: DjCaller): Promise<{ likes: number }> {
    const { broadcast } = await this.#onAir(at.roomId);
    await this.#limit(this.#likes, at, 'likes');
    const now = this.deps.clock();
    // Each like keeps its moment: the archive replays them beside its timeline.
    await this.deps.db.channels.addLike({ id: timeOrderedId(now), broadcastId: broadcast.id, userId: at.user.id, at: new Date(now) });
    const counts = await this.deps.counts.like(at.roomId);
    this.#throttle.touch(at.roomId);
    return { likes: counts.likes };
  }

  async chat(at: DjCaller, text: string): Promise<ChatMessageView> {
    const { channel, broadcast } = await this.#onAir(at.roomId);
    if (await this.deps.db.channels.isBanned(channel.id, at.user.id)) throw new RoomcastError('banned', 'the broadcaster barred you from this chat');
    await this.#limit(this.#chat, at, 'messages');
    const message = chatView(
      await this.deps.db.channels.addChat({ id: timeOrderedId(this.deps.clock()), broadcastId: broadcast.id, userId: at.user.id, displayName: at.user.displayName, text }),
    );
    await this.#send(at.roomId, { type: 'message', message });
    return message;
  }

  async deleteChat(at: DjCaller, messageId: string): Promise<void> {
    const { broadcast } = await this.#onAir(at.roomId);
    if (!(await this.deps.db.channels.deleteChat(broadcast.id, messageId))) throw new RoomcastError('not_found', 'no such message in this broadcast');
    await this.#send(at.roomId, { type: 'delete', id: messageId });
  }

  async banChat(at: DjCaller, userId: string): Promise<void> {
    const channel = await this.#channel(at.roomId);
    enforce(mayBarFromChat(channel, userId));
    await this.deps.db.channels.ban(channel.id, userId);
  }

  /** The studio left a live broadcast: it ends after the grace period unless the studio is back. */
  async #studio(roomId: string, joined: boolean): Promise<void> {
    const pending = this.#orphaned.get(roomId);
    if (pending !== undefined) this.#timers.clearTimeout(pending);
    this.#orphaned.delete(roomId);
    const move = (this.#studioMoves.get(roomId) ?? 0) + 1;
    this.#studioMoves.set(roomId, move);
    if (joined) return;
    const channel = await this.deps.db.channels.findByRoom(roomId);
    if (!channel || !(await this.deps.db.channels.live(channel.id))) return;
    if (this.#studioMoves.get(roomId) !== move) return; // the studio came back meanwhile
    // A connection that dropped is noticed late (socket.io's ping timeout), often after the
    // studio's new connection joined: the broadcast is only orphaned if no studio is left.
    const room = await this.deps.live.room(roomId);
    if (room?.peers.some((p) => p.view.userId === channel.ownerId)) return;
    if (this.#studioMoves.get(roomId) !== move) return;
    this.#orphaned.set(
      roomId,
      this.#timers.setTimeout(() => {
        this.#orphaned.delete(roomId);
        this.end({ roomId }).then(
          () => this.deps.log.info({ roomId }, 'broadcast ended: the studio did not come back'),
          (error: unknown) => {
            if (!(error instanceof RoomcastError && error.code === 'conflict')) this.deps.log.warn({ err: error, roomId }, 'could not end an orphaned broadcast');
          },
        );
      }, this.deps.settings.studioGraceMs),
    );
  }

  /** In the background: going live never waits for a thousand followers' mail. */
  #tellFollowers(channel: Channel, broadcast: BroadcastView): void {
    const liveNow = this.deps.liveNow;
    if (!liveNow) return;
    const payload = { channel: { handle: channel.handle, title: channel.title }, broadcast: { id: broadcast.id, title: broadcast.title } };
    const telling = tellFollowers({ ...liveNow, channels: this.deps.db.channels, log: this.deps.log }, channel.id, payload).then(
      (outcome) => this.deps.log.info({ channel: channel.handle, ...outcome }, 'followers told the channel is live'),
      (error: unknown) => this.deps.log.warn({ err: error, channel: channel.handle }, 'could not tell followers the channel is live'),
    );
    this.#telling.add(telling);
    void telling.finally(() => this.#telling.delete(telling));
  }

  /** Resolves once followers of every broadcast started so far have been told (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.#telling.size) await Promise.all(this.#telling);
  }

  get #timers(): Timers {
    return this.deps.timers ?? systemTimers;
  }

  /** The room closed for good. */
  async forget(roomId: string): Promise<void> {
    this.#throttle.forget(roomId);
    this.#studioMoves.delete(roomId);
    await this.deps.counts.forget(roomId);
  }

  close(): void {
    this.#throttle.close();
    for (const handle of this.#orphaned.values()) this.#timers.clearTimeout(handle);
    this.#orphaned.clear();
  }

  /** Every broadcast is recorded when the media server can; a failed recording never stops the show. */
  async #record(roomId: string, producerId: string, broadcastId: string): Promise<void> {
    try {
      await this.deps.sfu.request('recording.start', { roomId, producerId, recordingId: broadcastId });
    } catch (error) {
      this.deps.log.warn({ err: error, roomId, broadcastId }, 'broadcast is not being recorded');
    }
  }

  async #finishRecording(roomId: string, broadcastId: string): Promise<void> {
    try {
      const { file } = await this.deps.sfu.request('recording.stop', { roomId, recordingId: broadcastId });
      if (file) await this.deps.db.channels.setArchive(broadcastId, file);
    } catch (error) {
      this.deps.log.warn({ err: error, roomId, broadcastId }, 'recording could not be finished');
    }
  }

  async #pushCounts(roomId: string): Promise<void> {
    this.deps.io.to(roomChannel(roomId)).emit('dj:counts', await this.deps.counts.counts(roomId));
  }

  /** One send to the SFU, whatever the audience: its data channel fans the message out. */
  async #send(roomId: string, wire: ChatWire): Promise<void> {
    await this.deps.sfu.request('dataChannel.open', { roomId, label: CHAT_LABEL });
    await this.deps.sfu.request('dataChannel.send', { roomId, label: CHAT_LABEL, message: JSON.stringify(wire) });
  }

  async #ownProducer(at: DjCaller, producerId: string): Promise<void> {
    const room = await this.deps.live.room(at.roomId);
    const producer = room?.producers.find((p) => p.producerId === producerId && p.peerId === at.peerId);
    if (!producer || producer.kind !== 'audio') throw new RoomcastError('bad_request', 'go live with your own running audio producer');
  }

  async #channel(roomId: string): Promise<Channel> {
    const channel = await this.deps.db.channels.findByRoom(roomId);
    if (!channel) throw new RoomcastError('not_found', 'this room belongs to no channel');
    return channel;
  }

  async #onAir(roomId: string) {
    const channel = await this.#channel(roomId);
    const broadcast = await this.deps.db.channels.live(channel.id);
    if (!broadcast) throw new RoomcastError('conflict', 'the channel is not live right now');
    return { channel, broadcast };
  }

  async #limit(limiter: Limiter, at: DjCaller, what: string): Promise<void> {
    await consume(limiter, `${at.roomId}:${at.user.id}`, tryAgainLater(`too many ${what}`));
  }
}
