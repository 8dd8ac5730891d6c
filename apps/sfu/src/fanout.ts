import type { types } from 'mediasoup';
import { mediaCodecs } from './codecs.js';

/** A worker another router of the room may live on. */
export interface EdgeSlot {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
}

/** Where a listening peer's transports live: the room's main router or one of its edges. */
export interface Home {
  router: types.Router;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  workerIndex: number;
  /** Listening peers served from this router. */
  listeners: number;
}

/**
 * Scale past one router: a room's producers live on its main router; once `limit` listening
 * peers are served from it, newcomers are served from edge routers on other workers, each fed
 * with `pipeToRouter` — every producer (and the server's data channels) piped once per edge,
 * never once per listener. Edges close with the room (or its rebuild).
 */
export class RouterFanout {
  readonly #edges: Home[] = [];
  /** Pipes made or being made, by `<router id>:<producer id>`. */
  readonly #pipes = new Map<string, Promise<void>>();
  /** Placements run one at a time, so a burst of newcomers to a full router makes one edge, not many. */
  #placing: Promise<unknown> = Promise.resolve();
  #main: Home;

  constructor(
    main: Omit<Home, 'listeners'>,
    private readonly limit: number,
    /** The least-loaded live worker other than these, or undefined when there is none. */
    private readonly pickWorker: (exclude: ReadonlySet<types.Worker>) => EdgeSlot | undefined,
    /** An edge's worker died: the peers it served have no media any more. */
    private readonly onEdgeLost: (edge: Home) => void = () => undefined,
  ) {
    this.#main = { ...main, listeners: 0 };
  }

  get main(): Home {
    return this.#main;
  }

  get edges(): readonly Home[] {
    return this.#edges;
  }

  /** A listening peer arrives: the first router with room for it, a new edge if all are full. */
  place(): Promise<Home> {
    const placed = this.#placing.then(() => this.#place());
    this.#placing = placed.catch(() => undefined);
    return placed;
  }

  async #place(): Promise<Home> {
    const open = [this.#main, ...this.#edges].find((home) => home.listeners < this.limit && !home.router.closed);
    let home = open;
    if (!home) {
      const slot = this.pickWorker(new Set([this.#main, ...this.#edges].map((h) => h.worker)));
      home = slot ? await this.#edge(slot) : this.#main;
    }
    home.listeners += 1;
    return home;
  }

  /** A listening peer left its home. */
  release(home: Home): void {
    home.listeners = Math.max(0, home.listeners - 1);
  }

  /** The producer (of the main router) is available on `router`: piped there once. */
  ensureProducer(producerId: string, router: types.Router): Promise<void> {
    return this.#pipe(router, producerId, () => this.#main.router.pipeToRouter({ producerId, router }));
  }

  ensureDataProducer(dataProducerId: string, router: types.Router): Promise<void> {
    return this.#pipe(router, dataProducerId, () => this.#main.router.pipeToRouter({ dataProducerId, router }));
  }

  /** The main router changed (its worker died and the room was rebuilt): edges start over. */
  reset(main: Omit<Home, 'listeners'>): void {
    this.close();
    this.#main = { ...main, listeners: 0 };
  }

  close(): void {
    for (const edge of this.#edges.splice(0)) edge.router.close();
    this.#pipes.clear();
  }

  #pipe(router: types.Router, id: string, make: () => Promise<unknown>): Promise<void> {
    if (router === this.#main.router) return Promise.resolve();
    const key = `${router.id}:${id}`;
    let piped = this.#pipes.get(key);
    if (!piped) {
      piped = make().then(() => undefined);
      // A failed pipe (a producer that closed meanwhile) is not remembered.
      piped.catch(() => this.#pipes.delete(key));
      this.#pipes.set(key, piped);
    }
    return piped;
  }

  async #edge(slot: EdgeSlot): Promise<Home> {
    const router = await slot.worker.createRouter({ mediaCodecs, appData: { edgeOf: this.#main.router.id } });
    const edge: Home = { router, worker: slot.worker, webRtcServer: slot.webRtcServer, workerIndex: slot.index, listeners: 0 };
    this.#edges.push(edge);
    router.once('workerclose', () => this.onEdgeLost(edge));
    router.observer.once('close', () => {
      const at = this.#edges.indexOf(edge);
      if (at >= 0) this.#edges.splice(at, 1);
    });
    return edge;
  }
}
