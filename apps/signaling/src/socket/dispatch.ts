import type { Logger } from 'pino';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { clientRequests, parseOrThrow, RoomcastError, type ClientRequest, type ErrorBody, type ResponseOf } from '@roomcast/shared';
import type { KeyedSerial } from '../rooms/serial.js';
import type { RefusalLog } from './refusals.js';
import { enforce, mayRequestInRoom } from '../auth/policy.js';
import type { RoomcastSocket } from './types.js';

export type Parsed<E extends ClientRequest> = z.infer<(typeof clientRequests)[E]['request']>;
export type RequestHandler<E extends ClientRequest> = (request: Parsed<E>) => Promise<ResponseOf<E>>;

/** Requests of one connection waiting or running; beyond this it is told to slow down. */
export const MAX_PENDING = 32;

export interface DispatchDeps {
  limiter: RateLimiterMemory;
  /** One queue per connection (keyed by socket id): its requests and its leaves run in order. */
  queue: KeyedSerial;
  refusals: RefusalLog;
  log: Logger;
}

/**
 * Validates, rate-limits, authorises and answers every client request with an `Ack`. A
 * connection's requests run one at a time, in order, so a handler sees the membership the
 * previous one left; a handler can never crash the process or leave a client waiting.
 */
export class Dispatcher {
  constructor(
    private readonly socket: RoomcastSocket,
    private readonly deps: DispatchDeps,
  ) {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && Object.hasOwn(clientRequests, event)) return;
      const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
      // Unknown events cost the same as known ones against the rate limit.
      this.#throttle().then(
        () => this.#fail(name, args, new RoomcastError('unknown_event', `unknown event "${name}"`)),
        (error: unknown) => this.#fail(name, args, error),
      );
    });
  }

  on<E extends ClientRequest>(event: E, handler: RequestHandler<E>): void {
    this.socket.on(event as never, (async (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (response: unknown) => void) : undefined;
      try {
        await this.#throttle();
        if (!ack) throw new RoomcastError('bad_request', `"${event}" needs an acknowledgement callback`);
        if (this.deps.queue.pending(this.socket.id) >= MAX_PENDING) {
          throw new RoomcastError('rate_limited', 'too many requests waiting; wait for answers before sending more');
        }
        const data = await this.deps.queue.run(this.socket.id, async () => {
          // Nobody is left to answer, and its leave is queued right behind.
          if (this.socket.disconnected) throw new RoomcastError('not_in_room', 'disconnected');
          this.#authorise(event);
          const request = parseOrThrow(clientRequests[event].request, args[0], `"${event}" request`);
          return handler(request as Parsed<E>);
        });
        ack({ ok: true, data });
      } catch (error) {
        this.#fail(event, ack ? [ack] : [], error);
      }
    }) as never);
  }

  /** The room kind's rules, before any handler: what this member may ask in this room. */
  #authorise(event: ClientRequest): void {
    if (event === 'room:join') return;
    const at = this.socket.data.room;
    if (!at) throw new RoomcastError('not_in_room', 'join a room first');
    enforce(mayRequestInRoom(this.socket.data.user, at, event));
  }

  async #throttle(): Promise<void> {
    try {
      await this.deps.limiter.consume(this.socket.id);
    } catch {
      throw new RoomcastError('rate_limited', 'too many requests; slow down');
    }
  }

  #fail(event: string, args: unknown[], error: unknown): void {
    const body = this.#toErrorBody(event, error);
    const ack = args.at(-1);
    if (typeof ack === 'function') ack({ ok: false, error: body });
    else this.socket.emit('protocol:error', { event, error: body });
  }

  /** Typed refusals are counted and sampled; unknown failures are logged with their cause. */
  #toErrorBody(event: string, error: unknown): ErrorBody {
    const context = { event, userId: this.socket.data.user?.id };
    if (error instanceof RoomcastError) {
      this.deps.refusals.record(this.socket.id, error.code, { ...context, reason: error.message });
      return error.toBody();
    }
    this.deps.log.error({ ...context, socketId: this.socket.id, err: error }, 'socket request failed');
    return { code: 'internal', message: 'something went wrong on the server' };
  }
}
