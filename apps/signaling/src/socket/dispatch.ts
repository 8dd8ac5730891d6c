import type { Logger } from 'pino';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { clientRequests, parseOrThrow, RoomcastError, type ClientRequest, type ErrorBody, type ResponseOf } from '@roomcast/shared';
import type { RoomcastSocket } from './types.js';

export type Parsed<E extends ClientRequest> = z.infer<(typeof clientRequests)[E]['request']>;
export type RequestHandler<E extends ClientRequest> = (request: Parsed<E>) => Promise<ResponseOf<E>>;

/** Anything a handler throws becomes a typed error; unknown failures are logged with their cause. */
export function toErrorBody(error: unknown, log: Logger, context: object): ErrorBody {
  if (error instanceof RoomcastError) {
    log.info({ ...context, code: error.code, reason: error.message }, 'socket request refused');
    return error.toBody();
  }
  log.error({ ...context, err: error }, 'socket request failed');
  return { code: 'internal', message: 'something went wrong on the server' };
}

/**
 * Validates, rate-limits and answers every client request with an `Ack`. A handler can never
 * crash the process or leave a client waiting: each path ends in exactly one ack.
 */
export class Dispatcher {
  constructor(
    private readonly socket: RoomcastSocket,
    private readonly limiter: RateLimiterMemory,
    private readonly log: Logger,
  ) {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && Object.hasOwn(clientRequests, event)) return;
      const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
      this.#fail(name, args, new RoomcastError('unknown_event', `unknown event "${name}"`));
    });
  }

  on<E extends ClientRequest>(event: E, handler: RequestHandler<E>): void {
    this.socket.on(event as never, (async (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (response: unknown) => void) : undefined;
      try {
        await this.#throttle();
        if (!ack) throw new RoomcastError('bad_request', `"${event}" needs an acknowledgement callback`);
        const request = parseOrThrow(clientRequests[event].request, args[0], `"${event}" request`);
        ack({ ok: true, data: await handler(request as Parsed<E>) });
      } catch (error) {
        this.#fail(event, ack ? [ack] : [], error);
      }
    }) as never);
  }

  async #throttle(): Promise<void> {
    try {
      await this.limiter.consume(this.socket.id);
    } catch {
      throw new RoomcastError('rate_limited', 'too many requests; slow down');
    }
  }

  #fail(event: string, args: unknown[], error: unknown): void {
    const body = toErrorBody(error, this.log, { event, socketId: this.socket.id, userId: this.socket.data.user?.id });
    const ack = args.at(-1);
    if (typeof ack === 'function') ack({ ok: false, error: body });
    else this.socket.emit('protocol:error', { event, error: body });
  }
}
