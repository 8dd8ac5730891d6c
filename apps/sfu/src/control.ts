import { EventEmitter } from 'node:events';
import { errors } from 'mediasoup';
import type { Logger } from 'pino';
import { parseOrThrow, RoomcastError, sfuEvents, sfuMethods, type SfuControl, type SfuEvents, type SfuMethod, type SfuParams, type SfuResult } from '@roomcast/shared';
import { consumerHandlers } from './handlers/consumers.js';
import { HandlerContext, type Handlers, type SfuHooks } from './handlers/context.js';
import { dataHandlers } from './handlers/data.js';
import { producerHandlers } from './handlers/producers.js';
import { recordingHandlers } from './handlers/recordings.js';
import { roomHandlers } from './handlers/rooms.js';
import { serverDataHandlers } from './handlers/server-data.js';
import { transportHandlers } from './handlers/transports.js';
import { sampled } from './sampled.js';
import type { SfuServer } from './server.js';

export type { SfuHooks } from './handlers/context.js';

export interface LocalSfuControlOptions {
  hooks?: SfuHooks;
  log?: Logger;
}

/**
 * The SFU control surface as an in-process call. Every request is validated exactly as a
 * network transport would validate it, and every event against its schema before it leaves,
 * so moving SFU nodes out of process changes no caller.
 */
export class LocalSfuControl implements SfuControl {
  readonly #events = new EventEmitter();
  readonly #handlers: Handlers;

  constructor(
    readonly server: SfuServer,
    options: LocalSfuControlOptions = {},
  ) {
    const log = options.log ?? server.log;
    const invalid = sampled(log, 'sfu event failed its schema; dropped');
    for (const event of Object.keys(sfuEvents) as (keyof SfuEvents)[]) {
      (server as EventEmitter).on(event, (payload: unknown) => {
        const checked = sfuEvents[event].safeParse(payload);
        if (checked.success) this.#events.emit(event, checked.data);
        else invalid({ event, issues: checked.error.issues.slice(0, 3) });
      });
    }
    const ctx = new HandlerContext(server, options.hooks ?? {});
    this.#handlers = {
      ...roomHandlers(ctx),
      ...transportHandlers(ctx),
      ...producerHandlers(ctx),
      ...consumerHandlers(ctx),
      ...dataHandlers(ctx),
      ...serverDataHandlers(ctx),
      ...recordingHandlers(ctx),
    };
  }

  async request<M extends SfuMethod>(method: M, params: SfuParams<M>): Promise<SfuResult<M>> {
    if (!Object.hasOwn(sfuMethods, method)) throw new RoomcastError('unknown_event', `unknown sfu method ${String(method).slice(0, 64)}`);
    const parsed = parseOrThrow(sfuMethods[method].params, params, `${method} parameters`);
    try {
      return await (this.#handlers[method] as (p: unknown) => Promise<SfuResult<M>>)(parsed);
    } catch (error) {
      throw toRoomcastError(error);
    }
  }

  on<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void {
    this.#events.on(event, listener);
  }

  off<E extends keyof SfuEvents>(event: E, listener: (payload: SfuEvents[E]) => void): void {
    this.#events.off(event, listener);
  }
}

/** mediasoup rejects bad client parameters with TypeError/UnsupportedError: those are the client's fault. */
function toRoomcastError(error: unknown): unknown {
  if (error instanceof RoomcastError) return error;
  if (error instanceof TypeError || error instanceof errors.UnsupportedError) {
    return new RoomcastError('bad_request', error.message);
  }
  if (error instanceof errors.NotFoundError) return new RoomcastError('not_found', error.message);
  if (error instanceof errors.WorkerClosedError) return new RoomcastError('unavailable', 'the media server is restarting; rejoin in a moment');
  return error;
}
