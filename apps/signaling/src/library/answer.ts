import type { Logger } from 'pino';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { parseOrThrow, RoomcastError, type ErrorBody } from '@roomcast/shared';
import type { RefusalLog } from '../socket/refusals.js';

export interface AnswerDeps {
  /** Per-connection event budget; null for events bounded otherwise (relay frames ride a window). */
  limiter: RateLimiterMemory | null;
  refusals: RefusalLog;
  log: Logger;
}

type Spec = { request: z.ZodType; response: z.ZodType };

/**
 * Registers every request of a namespace's table: validated, rate-limited, answered with an
 * `Ack` (success or a typed error) and never thrown at the client. Unknown events get an
 * `unknown_event` refusal: in their ack when they carry one, else as a `protocol:error`.
 * The library namespaces' counterpart of socket/dispatch.ts (which also
 * carries the room rules these namespaces do not have).
 */
export function answerAll<T extends Record<string, Spec>>(
  socket: Socket,
  table: T,
  handlers: { [E in keyof T]: (request: z.infer<T[E]['request']>) => Promise<z.input<T[E]['response']>> },
  deps: (event: keyof T) => AnswerDeps,
): void {
  const fail = (event: string, d: AnswerDeps, error: unknown): ErrorBody => {
    if (error instanceof RoomcastError) {
      d.refusals.record(socket.id, error.code, { event, reason: error.message });
      return error.toBody();
    }
    d.log.error({ event, socketId: socket.id, err: error }, 'library request failed');
    return { code: 'internal', message: 'something went wrong on the server' };
  };
  for (const event of Object.keys(table) as (keyof T & string)[]) {
    socket.on(event as string, (async (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (response: unknown) => void) : undefined;
      const d = deps(event);
      try {
        if (d.limiter) {
          await d.limiter.consume(socket.id).catch(() => {
            throw new RoomcastError('rate_limited', 'too many requests; slow down');
          });
        }
        if (!ack) throw new RoomcastError('bad_request', `"${event}" needs an acknowledgement callback`);
        const request = parseOrThrow(table[event]!.request, args[0], `"${event}" request`);
        ack({ ok: true, data: await handlers[event](request as z.infer<T[typeof event]['request']>) });
      } catch (error) {
        const body = fail(event, d, error);
        if (ack) ack({ ok: false, error: body });
        else socket.emit('protocol:error', { event, error: body });
      }
    }) as (...args: unknown[]) => void);
  }
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && Object.hasOwn(table, event)) return;
    const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
    const error = { ok: false, error: fail(name, deps(name), new RoomcastError('unknown_event', `unknown event "${name}"`)) };
    // A client that asked with an ack waits for it: answer there, or it would hang until its timeout.
    const ack = args.at(-1);
    if (typeof ack === 'function') (ack as (response: unknown) => void)(error);
    else socket.emit('protocol:error', { event: name, error: error.error });
  });
}
