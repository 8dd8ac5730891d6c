import { EventEmitter } from 'node:events';
import { RoomcastError, type SfuEvents } from '@roomcast/shared';
import type { types } from 'mediasoup';
import { mediaCodecs } from './codecs.js';
import { SfuPeer } from './peer.js';

export interface RoomEvents {
  activeSpeaker: [SfuEvents['activeSpeaker']];
  audioLevels: [SfuEvents['audioLevels']];
  producerClosed: [SfuEvents['producerClosed']];
  consumerClosed: [SfuEvents['consumerClosed']];
  close: [];
}

/**
 * A room's router and observers on one worker. Peers come and go; when the worker dies the
 * server moves the room to a fresh router with `rebuild`, which drops every peer's media
 * (their transports died with the worker) and keeps the room id.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly peers = new Map<string, SfuPeer>();
  #router!: types.Router;
  #audioLevels!: types.AudioLevelObserver;
  #activeSpeaker!: types.ActiveSpeakerObserver;
  /** Producers the active-speaker observer currently hears (unpaused microphones). */
  #candidates = new Set<string>();
  #closed = false;

  private constructor(
    readonly id: string,
    public worker: types.Worker,
    public webRtcServer: types.WebRtcServer,
  ) {
    super();
  }

  static async create(id: string, worker: types.Worker, webRtcServer: types.WebRtcServer): Promise<Room> {
    const room = new Room(id, worker, webRtcServer);
    await room.#build();
    return room;
  }

  get router(): types.Router {
    return this.#router;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async #build(): Promise<void> {
    this.#router = await this.worker.createRouter({ mediaCodecs, appData: { roomId: this.id } });
    this.#candidates = new Set();
    // Levels drive meters (≈ 4 updates/s); the dominant-speaker observer picks one speaker.
    this.#audioLevels = await this.#router.createAudioLevelObserver({ maxEntries: 16, threshold: -70, interval: 250 });
    this.#activeSpeaker = await this.#router.createActiveSpeakerObserver({ interval: 300 });
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
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.worker = worker;
    this.webRtcServer = webRtcServer;
    await this.#build();
  }

  peer(peerId: string): SfuPeer {
    let peer = this.peers.get(peerId);
    if (!peer) {
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
  producer(producerId: string): types.Producer {
    for (const peer of this.peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return producer;
    }
    throw new RoomcastError('not_found', `no producer ${producerId} in room ${this.id}`);
  }

  dataProducer(dataProducerId: string): types.DataProducer {
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

  removePeer(peerId: string): void {
    this.peers.get(peerId)?.close();
    this.peers.delete(peerId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.#router.close();
    this.emit('close');
  }
}
