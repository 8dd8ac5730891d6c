import { EventEmitter } from 'node:events';
import { PEERS_RESET_CHUNK, RoomcastError, type SfuEvents } from '@roomcast/shared';
import type { types } from 'mediasoup';
import { mediaCodecs } from './codecs.js';
import type { SfuConfig } from './config.js';
import { RouterFanout, type EdgeSlot, type Home } from './fanout.js';
import { SfuPeer } from './peer.js';
import type { RecordingFeed } from './recording.js';

/** The observer tunables a room reads from the SFU's config. */
export type RoomSettings = Pick<SfuConfig, 'audioLevelIntervalMs' | 'audioLevelThreshold' | 'audioLevelMaxEntries' | 'activeSpeakerIntervalMs' | 'routerListenerLimit'>;

/** Picks the least-loaded live worker outside `exclude`, for a room's edge routers. */
export type PickWorker = (exclude: ReadonlySet<types.Worker>) => EdgeSlot | undefined;

/**
 * How many departed peer ids a room remembers so a late request cannot re-create them. Peer
 * ids are random per join, so only a request racing its own leave ever needs this; the oldest
 * are forgotten first, which bounds a long-lived room's memory.
 */
const DEPARTED_MEMORY = 4096;

export interface RoomEvents {
  activeSpeaker: [SfuEvents['activeSpeaker']];
  audioLevels: [SfuEvents['audioLevels']];
  producerClosed: [SfuEvents['producerClosed']];
  consumerClosed: [SfuEvents['consumerClosed']];
  peersReset: [SfuEvents['peersReset']];
  close: [];
}

/**
 * A room's router and observers on one worker. Peers come and go; when the worker dies the
 * server moves the room to a fresh router with `rebuild`, which drops every peer's media
 * (their transports died with the worker) and keeps the room id.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly peers = new Map<string, SfuPeer>();
  readonly #departed = new Set<string>();
  #router!: types.Router;
  #audioLevels!: types.AudioLevelObserver;
  #activeSpeaker!: types.ActiveSpeakerObserver;
  /** Producers the active-speaker observer currently hears (unpaused microphones). */
  #candidates = new Set<string>();
  #closed = false;
  /** The main router and its edges on other workers (pipeToRouter) for big audiences. */
  fanout!: RouterFanout;
  /** Server-owned data channels by label, on one DirectTransport: made on first use, gone with the router. */
  #serverData = new Map<string, Promise<types.DataProducer>>();
  #direct: Promise<types.DirectTransport> | undefined;
  /** The same producers once made, for the synchronous lookups consumers need. */
  #serverDataReady = new Map<string, types.DataProducer>();
  /** Recordings running on this router, by recording id; they stop with it. */
  readonly recordings = new Map<string, RecordingFeed>();

  private constructor(
    readonly id: string,
    public worker: types.Worker,
    public webRtcServer: types.WebRtcServer,
    readonly settings: RoomSettings,
    private readonly pickWorker: PickWorker,
  ) {
    super();
  }

  static async create(id: string, worker: types.Worker, webRtcServer: types.WebRtcServer, settings: RoomSettings, pickWorker: PickWorker = () => undefined): Promise<Room> {
    const room = new Room(id, worker, webRtcServer, settings, pickWorker);
    await room.#build();
    return room;
  }

  get router(): types.Router {
    return this.#router;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The worker's index in the server (its slot), set when the worker was spawned. */
  get workerIndex(): number {
    return Number(this.worker.appData.index);
  }

  /** Consumers on this room's router: what placement balances, since they cost the worker most. */
  get consumerCount(): number {
    let count = 0;
    for (const peer of this.peers.values()) count += peer.consumers.size;
    return count;
  }

  async #build(): Promise<void> {
    this.#router = await this.worker.createRouter({ mediaCodecs, appData: { roomId: this.id } });
    const main = { router: this.#router, worker: this.worker, webRtcServer: this.webRtcServer, workerIndex: this.workerIndex };
    if (this.fanout) this.fanout.reset(main);
    else this.fanout = new RouterFanout(main, this.settings.routerListenerLimit, this.pickWorker, (edge) => this.#edgeLost(edge));
    this.#candidates = new Set();
    this.#serverData = new Map();
    this.#serverDataReady = new Map();
    this.#direct = undefined;
    // Levels drive meters; the dominant-speaker observer picks one speaker.
    const { audioLevelMaxEntries: maxEntries, audioLevelThreshold: threshold, audioLevelIntervalMs: interval } = this.settings;
    this.#audioLevels = await this.#router.createAudioLevelObserver({ maxEntries, threshold, interval });
    this.#activeSpeaker = await this.#router.createActiveSpeakerObserver({ interval: this.settings.activeSpeakerIntervalMs });
    this.#audioLevels.on('volumes', (volumes) =>
      this.emit('audioLevels', {
        roomId: this.id,
        levels: volumes.map((v) => ({ peerId: String(v.producer.appData.peerId), volume: v.volume })),
      }),
    );
    this.#audioLevels.on('silence', () => this.emit('audioLevels', { roomId: this.id, levels: [] }));
    this.#activeSpeaker.on('dominantspeaker', ({ producer }) =>
      this.emit('activeSpeaker', { roomId: this.id, peerId: String(producer.appData.peerId) }),
    );
  }

  /** Moves the room onto a new worker after its old one died. Peers must rejoin. */
  async rebuild(worker: types.Worker, webRtcServer: types.WebRtcServer): Promise<void> {
    this.#stopRecordings();
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.worker = worker;
    this.webRtcServer = webRtcServer;
    await this.#build();
  }

  /**
   * The worker of an edge router died: its listeners' transports died with it while the room
   * (on its main router) goes on. They are asked to rejoin, and are placed afresh: on a router
   * with room, a new edge on a live worker, or the respawned one.
   */
  #edgeLost(edge: Home): void {
    const lost = [...this.peers.values()].filter((peer) => peer.home === edge);
    for (const peer of lost) peer.home = undefined;
    const peerIds = lost.map((peer) => peer.id);
    for (let at = 0; at < peerIds.length; at += PEERS_RESET_CHUNK) {
      this.emit('peersReset', { roomId: this.id, peerIds: peerIds.slice(at, at + PEERS_RESET_CHUNK), reason: 'media server restarted' });
    }
  }

  /** The peer, created on its first request; a peer that left is never re-created. */
  peer(peerId: string): SfuPeer {
    let peer = this.peers.get(peerId);
    if (!peer) {
      if (this.#departed.has(peerId) || this.#closed) throw new RoomcastError('not_in_room', `peer ${peerId} has left room ${this.id}`);
      peer = new SfuPeer(peerId);
      this.peers.set(peerId, peer);
    }
    return peer;
  }

  existingPeer(peerId: string): SfuPeer {
    const peer = this.peers.get(peerId);
    if (!peer) throw new RoomcastError('not_in_room', `peer ${peerId} has no media in room ${this.id}`);
    return peer;
  }

  /** Finds a producer of any peer in the room (consumers may subscribe to anyone here). */
  findProducer(producerId: string): types.Producer | undefined {
    for (const peer of this.peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return producer;
    }
    return undefined;
  }

  producer(producerId: string): types.Producer {
    const producer = this.findProducer(producerId);
    if (!producer) throw new RoomcastError('not_found', `no producer ${producerId} in room ${this.id}`);
    return producer;
  }

  /**
   * The room's server-owned data channel with this label (a DataProducer on the room's
   * DirectTransport), made on first use. Signaling sends on it; listeners consume it like any
   * peer's data producer, and the worker fans each message out to all of them.
   */
  serverData(label: string): Promise<types.DataProducer> {
    let made = this.#serverData.get(label);
    if (!made) {
      this.#direct ??= this.#router.createDirectTransport({ maxSendMessageSize: 64 * 1024 });
      made = this.#direct.then((direct) => direct.produceData({ label, protocol: 'json', appData: { server: true } }));
      // A failure (router closed meanwhile) is not remembered: the next call tries afresh.
      made.then(
        (producer) => this.#serverDataReady.set(label, producer),
        () => this.#serverData.delete(label),
      );
      this.#serverData.set(label, made);
    }
    return made;
  }

  /** The server-owned data channel if it is open, without making one. */
  openServerData(label: string): Promise<types.DataProducer> | undefined {
    return this.#serverData.get(label);
  }

  dataProducer(dataProducerId: string): types.DataProducer {
    for (const made of this.#serverDataReady.values()) if (made.id === dataProducerId) return made;
    for (const peer of this.peers.values()) {
      const dataProducer = peer.dataProducers.get(dataProducerId);
      if (dataProducer) return dataProducer;
    }
    throw new RoomcastError('not_found', `no data producer ${dataProducerId} in room ${this.id}`);
  }

  /** Audio producers feed both observers, so levels and the active speaker cover everyone. */
  async observe(producer: types.Producer): Promise<void> {
    if (producer.kind !== 'audio') return;
    producer.observer.once('close', () => this.#candidates.delete(producer.id));
    await Promise.all([this.#audioLevels.addProducer({ producerId: producer.id }), this.candidate(producer, !producer.paused)]);
  }

  /**
   * A muted person cannot be the active speaker. mediasoup's observer keeps a paused dominant
   * speaker until someone clearly out-talks it, so paused microphones leave the observer and
   * come back on resume; with one microphone left, that one is the active speaker at once.
   */
  async candidate(producer: types.Producer, on: boolean): Promise<void> {
    if (producer.kind !== 'audio' || producer.closed || on === this.#candidates.has(producer.id)) return;
    if (on) {
      this.#candidates.add(producer.id);
      await this.#activeSpeaker.addProducer({ producerId: producer.id });
    } else {
      this.#candidates.delete(producer.id);
      await this.#activeSpeaker.removeProducer({ producerId: producer.id });
    }
  }

  /** Detaches every recording from this room's producers; each goes on (silent) until `recording.stop` or the next producer. */
  #stopRecordings(): void {
    for (const feed of this.recordings.values()) feed.stop();
    this.recordings.clear();
  }

  /** The router a transport of this room was made on (the main one or an edge). */
  routerOf(transport: { appData: Record<string, unknown> }): types.Router {
    const id = transport.appData.routerId;
    return [this.fanout.main, ...this.fanout.edges].find((h) => h.router.id === id)?.router ?? this.#router;
  }

  /** Where a listening peer is served from: placed once, on its first consuming transport. */
  async homeFor(peer: SfuPeer): Promise<Home> {
    if (peer.home && !peer.home.router.closed) return peer.home;
    const home = await this.fanout.place();
    if (peer.closed) {
      this.fanout.release(home);
      throw new RoomcastError('not_in_room', `peer ${peer.id} has left room ${this.id}`);
    }
    peer.home = home;
    return home;
  }

  /** Closes the peer's media and remembers that it left, whether or not it ever had media. */
  removePeer(peerId: string): void {
    const home = this.peers.get(peerId)?.home;
    if (home) this.fanout.release(home);
    this.peers.get(peerId)?.close();
    this.peers.delete(peerId);
    this.#departed.delete(peerId);
    this.#departed.add(peerId);
    if (this.#departed.size > DEPARTED_MEMORY) this.#departed.delete(this.#departed.values().next().value!);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopRecordings();
    this.fanout.close();
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.#departed.clear();
    this.#router.close();
    this.emit('close');
  }
}
