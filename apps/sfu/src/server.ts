import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { RoomcastError, type SfuEvents, type SfuResult } from '@roomcast/shared';
import { defaultAnnouncedAddress, type SfuConfig } from './config.js';
import { Room } from './room.js';
import { logWorkerOutput } from './worker-output.js';

interface WorkerSlot {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** False from the worker's death until a respawn succeeds; a slot given up stays false. */
  alive: boolean;
}

export interface ServerEvents {
  activeSpeaker: [SfuEvents['activeSpeaker']];
  audioLevels: [SfuEvents['audioLevels']];
  producerClosed: [SfuEvents['producerClosed']];
  consumerClosed: [SfuEvents['consumerClosed']];
  roomReset: [SfuEvents['roomReset']];
  peersReset: [SfuEvents['peersReset']];
  workerRespawned: [{ index: number; pid: number; rooms: number }];
  /** Every respawn attempt failed: the slot is never chosen again; its rooms moved to live workers. */
  workerLost: [{ index: number; rooms: number }];
}

export interface SfuServerOptions {
  /** Spawns a worker; tests replace it to make a respawn fail. */
  createWorker?: (settings: types.WorkerSettings, index: number) => Promise<types.Worker>;
}

/**
 * Owns the mediasoup workers (one per core), one WebRtcServer per worker, and the rooms.
 * A worker that dies is respawned on the same port and its rooms rebuilt on it; one that
 * cannot be respawned is given up and its rooms move to the live workers.
 */
export class SfuServer extends EventEmitter<ServerEvents> {
  readonly #slots: WorkerSlot[] = [];
  readonly #rooms = new Map<string, Room>();
  readonly #opening = new Map<string, Promise<Room>>();
  readonly #createWorker: NonNullable<SfuServerOptions['createWorker']>;
  #accepting = true;
  #closed = false;

  private constructor(
    readonly config: SfuConfig,
    readonly log: Logger,
    options: SfuServerOptions,
  ) {
    super();
    this.#createWorker = options.createWorker ?? ((settings) => mediasoup.createWorker(settings));
  }

  static async create(config: SfuConfig, log: Logger, options: SfuServerOptions = {}): Promise<SfuServer> {
    const server = new SfuServer(config, log, options);
    try {
      for (let i = 0; i < config.workers; i++) server.#slots.push(await server.#spawn(i));
    } catch (error) {
      server.close();
      throw error;
    }
    log.info({ workers: config.workers, version: mediasoup.version, workerBin: config.workerBin ?? mediasoup.workerBin }, 'sfu ready');
    return server;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get workerPids(): number[] {
    return this.#slots.map((s) => s.worker.pid);
  }

  async #spawn(index: number): Promise<WorkerSlot> {
    const { config } = this;
    const worker = await this.#createWorker(
      { logLevel: config.logLevel, ...(config.workerBin ? { workerBin: config.workerBin } : {}), appData: { index } },
      index,
    );
    logWorkerOutput(worker, this.log);
    const listen = {
      ip: config.listenIp,
      announcedAddress: config.announcedAddress ?? defaultAnnouncedAddress(config.listenIp),
      ...(config.port === 0 ? {} : { port: config.port + index }),
    };
    try {
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
      });
      worker.once('died', (error) => void this.#onDied(index, worker, error));
      this.log.info({ index, workerPid: worker.pid, port: listen.port, announced: listen.announcedAddress }, 'sfu worker started');
      return { index, worker, webRtcServer, alive: true };
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  async #onDied(index: number, dead: types.Worker, error: Error): Promise<void> {
    if (this.#closed) return;
    const slot = this.#slots[index]!;
    slot.alive = false;
    this.log.error({ index, workerPid: dead.pid, err: error.message }, 'sfu worker died; respawning');
    const delays = this.config.respawnDelaysMs;
    for (let attempt = 0; attempt < delays.length && !this.#closed; attempt++) {
      await sleep(delays[attempt]);
      if (this.#closed) return;
      try {
        const fresh = await this.#spawn(index);
        this.#slots[index] = fresh;
        const rooms = await this.#rehome(dead, () => fresh);
        this.emit('workerRespawned', { index, pid: fresh.worker.pid, rooms });
        return;
      } catch (respawnError) {
        this.log.error({ index, attempt, err: (respawnError as Error).message }, 'sfu worker respawn failed');
      }
    }
    if (this.#closed) return;
    const rooms = await this.#rehome(dead, () => this.#leastLoaded());
    this.log.fatal({ index, configured: this.config.workers, running: this.#live().length }, 'sfu worker could not be respawned; running degraded');
    this.emit('workerLost', { index, rooms });
  }

  /** Rebuilds the dead worker's rooms where `place` says (closing them when nowhere is left). */
  async #rehome(dead: types.Worker, place: () => WorkerSlot | undefined): Promise<number> {
    const orphans = [...this.#rooms.values()].filter((room) => room.worker === dead);
    for (const room of orphans) {
      const slot = place();
      try {
        if (!slot) throw new RoomcastError('unavailable', 'no live media workers');
        await room.rebuild(slot.worker, slot.webRtcServer);
      } catch (rebuildError) {
        this.log.error({ roomId: room.id, err: (rebuildError as Error).message }, 'sfu room could not be rebuilt; closing it');
        room.close();
      }
      this.emit('roomReset', { roomId: room.id, reason: 'media server restarted' });
    }
    return orphans.length;
  }

  #live(): WorkerSlot[] {
    return this.#slots.filter((s) => s.alive && !s.worker.closed);
  }

  /** The live worker with the fewest consumers (they cost the worker most), then the fewest rooms. */
  #leastLoaded(exclude: ReadonlySet<types.Worker> = new Set()): WorkerSlot | undefined {
    const load = new Map<types.Worker, { consumers: number; rooms: number }>();
    for (const room of this.#rooms.values()) {
      const entry = load.get(room.worker) ?? { consumers: 0, rooms: 0 };
      entry.consumers += room.consumerCount;
      entry.rooms += 1;
      load.set(room.worker, entry);
    }
    const of = (s: WorkerSlot) => load.get(s.worker) ?? { consumers: 0, rooms: 0 };
    return this.#live().filter((s) => !exclude.has(s.worker)).sort((a, b) => of(a).consumers - of(b).consumers || of(a).rooms - of(b).rooms || a.index - b.index)[0];
  }

  /** Opens (or finds) a room; a new one goes to the least-loaded live worker. */
  async room(roomId: string): Promise<Room> {
    const existing = this.#rooms.get(roomId);
    if (existing) return existing;
    if (!this.#accepting || this.#closed) throw new RoomcastError('unavailable', 'the media server is shutting down');
    let opening = this.#opening.get(roomId);
    if (!opening) {
      opening = this.#open(roomId).finally(() => this.#opening.delete(roomId));
      this.#opening.set(roomId, opening);
    }
    return opening;
  }

  findRoom(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  async #open(roomId: string): Promise<Room> {
    const slot = this.#leastLoaded();
    if (!slot) throw new RoomcastError('unavailable', 'no live media workers');
    const room = await Room.create(roomId, slot.worker, slot.webRtcServer, this.config, (exclude) => this.#leastLoaded(exclude));
    this.#rooms.set(roomId, room);
    room.on('activeSpeaker', (e) => this.emit('activeSpeaker', e));
    room.on('audioLevels', (e) => this.emit('audioLevels', e));
    room.on('producerClosed', (e) => this.emit('producerClosed', e));
    room.on('consumerClosed', (e) => this.emit('consumerClosed', e));
    room.on('peersReset', (e) => this.emit('peersReset', e));
    room.once('close', () => this.#rooms.delete(roomId));
    this.log.info({ roomId, worker: slot.index }, 'sfu room opened');
    return room;
  }

  health(): SfuResult<'server.health'> {
    const running = this.#live().length;
    return { configured: this.config.workers, running, degraded: running < this.config.workers };
  }

  async stats(): Promise<SfuResult<'server.stats'>> {
    const rooms = [...this.#rooms.values()];
    const workers = await Promise.all(
      this.#slots.map(async (s) => {
        const mine = rooms.filter((r) => r.worker === s.worker);
        const alive = s.alive && !s.worker.closed;
        const usage = alive ? await s.worker.getResourceUsage().catch(() => undefined) : undefined;
        // A listener served from an edge router costs the edge's worker, not the room's.
        let consumers = 0;
        for (const room of rooms) for (const peer of room.peers.values()) if ((peer.home?.worker ?? room.worker) === s.worker) consumers += peer.consumers.size;
        return {
          index: s.index,
          pid: s.worker.pid,
          alive,
          rooms: mine.length,
          consumers,
          cpuMs: usage ? usage.ru_utime + usage.ru_stime : 0,
        };
      }),
    );
    return { workers, rooms: rooms.length };
  }

  /**
   * Shutdown, first step: no new rooms; open rooms get `timeoutMs` to empty, then each is reset
   * (signaling asks its peers to rejoin, elsewhere once there are other SFU nodes). Then `close()`.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#accepting = false;
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.#rooms.size > 0 && !deadline.aborted && !this.#closed) {
      const next = [...this.#rooms.values()][0]!;
      await once(next, 'close', { signal: deadline }).catch(() => undefined);
    }
    for (const room of [...this.#rooms.values()]) {
      room.close();
      this.emit('roomReset', { roomId: room.id, reason: 'media server shutting down' });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#accepting = false;
    for (const room of this.#rooms.values()) room.close();
    for (const slot of this.#slots) slot.worker.close();
    this.log.info('sfu closed');
  }
}
