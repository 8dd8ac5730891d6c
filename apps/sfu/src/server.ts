import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { SfuEvents } from '@roomcast/shared';
import { defaultAnnouncedAddress, type SfuConfig } from './config.js';
import { Room } from './room.js';

interface WorkerSlot {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
}

export interface ServerEvents {
  activeSpeaker: [SfuEvents['activeSpeaker']];
  audioLevels: [SfuEvents['audioLevels']];
  producerClosed: [SfuEvents['producerClosed']];
  consumerClosed: [SfuEvents['consumerClosed']];
  roomReset: [SfuEvents['roomReset']];
  workerRespawned: [{ index: number; pid: number; rooms: number }];
}

const RESPAWN_DELAY_MS = [0, 250, 1000, 5000];

/**
 * Owns the mediasoup workers (one per core), one WebRtcServer per worker, and the rooms.
 * A worker that dies is respawned on the same port and its rooms rebuilt on it.
 */
export class SfuServer extends EventEmitter<ServerEvents> {
  readonly #slots: WorkerSlot[] = [];
  readonly #rooms = new Map<string, Room>();
  readonly #opening = new Map<string, Promise<Room>>();
  #closed = false;

  private constructor(
    readonly config: SfuConfig,
    readonly log: Logger,
  ) {
    super();
  }

  static async create(config: SfuConfig, log: Logger): Promise<SfuServer> {
    const server = new SfuServer(config, log);
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
    const worker = await mediasoup.createWorker({
      logLevel: config.logLevel,
      ...(config.workerBin ? { workerBin: config.workerBin } : {}),
      appData: { index },
    });
    const listen = {
      ip: config.listenIp,
      announcedAddress: config.announcedAddress ?? defaultAnnouncedAddress(config.listenIp),
      port: config.port + index,
    };
    const webRtcServer = await worker.createWebRtcServer({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
    });
    worker.once('died', (error) => void this.#onDied(index, worker, error));
    this.log.info({ index, pid: worker.pid, port: listen.port, announced: listen.announcedAddress }, 'sfu worker started');
    return { index, worker, webRtcServer };
  }

  async #onDied(index: number, dead: types.Worker, error: Error): Promise<void> {
    if (this.#closed) return;
    this.log.error({ index, pid: dead.pid, err: error.message }, 'sfu worker died; respawning');
    for (let attempt = 0; attempt < RESPAWN_DELAY_MS.length && !this.#closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, RESPAWN_DELAY_MS[attempt]));
      try {
        const slot = await this.#spawn(index);
        this.#slots[index] = slot;
        const orphans = [...this.#rooms.values()].filter((room) => room.worker === dead);
        for (const room of orphans) {
          await room.rebuild(slot.worker, slot.webRtcServer);
          this.emit('roomReset', { roomId: room.id, reason: 'media server restarted' });
        }
        this.emit('workerRespawned', { index, pid: slot.worker.pid, rooms: orphans.length });
        return;
      } catch (respawnError) {
        this.log.error({ index, attempt, err: (respawnError as Error).message }, 'sfu worker respawn failed');
      }
    }
    this.log.fatal({ index }, 'sfu worker could not be respawned');
  }

  /** Places a new room on the worker with the fewest rooms. */
  async room(roomId: string): Promise<Room> {
    const existing = this.#rooms.get(roomId);
    if (existing) return existing;
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
    const load = new Map(this.#slots.map((s) => [s.worker, 0]));
    for (const room of this.#rooms.values()) load.set(room.worker, (load.get(room.worker) ?? 0) + 1);
    const slot = [...this.#slots].sort((a, b) => (load.get(a.worker) ?? 0) - (load.get(b.worker) ?? 0))[0];
    if (!slot) throw new Error('no sfu workers');
    const room = await Room.create(roomId, slot.worker, slot.webRtcServer);
    this.#rooms.set(roomId, room);
    room.on('activeSpeaker', (e) => this.emit('activeSpeaker', e));
    room.on('audioLevels', (e) => this.emit('audioLevels', e));
    room.on('producerClosed', (e) => this.emit('producerClosed', e));
    room.on('consumerClosed', (e) => this.emit('consumerClosed', e));
    room.once('close', () => this.#rooms.delete(roomId));
    this.log.info({ roomId, worker: slot.index }, 'sfu room opened');
    return room;
  }

  async stats(): Promise<{ workers: { index: number; pid: number; rooms: number; cpuMs: number }[]; rooms: number }> {
    const workers = await Promise.all(
      this.#slots.map(async (s) => {
        const usage = await s.worker.getResourceUsage();
        const rooms = [...this.#rooms.values()].filter((r) => r.worker === s.worker).length;
        return { index: s.index, pid: s.worker.pid, rooms, cpuMs: usage.ru_utime + usage.ru_stime };
      }),
    );
    return { workers, rooms: this.#rooms.size };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of this.#rooms.values()) room.close();
    for (const slot of this.#slots) slot.worker.close();
    this.log.info('sfu closed');
  }
}
