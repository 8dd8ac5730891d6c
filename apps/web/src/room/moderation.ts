import type { RequestOf } from '@roomcast/shared';
import { toApiError } from '../api/errors';
import type { RoomContext } from './types';

export type ModerationRequest = 'mod:mutePeer' | 'mod:allowUnmute' | 'mod:removePeer' | 'mod:setModerated';

/** Asks the server to moderate; it checks who may. A refusal is shown as a notice, never dropped. */
export async function moderate<E extends ModerationRequest>(ctx: RoomContext, event: E, payload: RequestOf<E>): Promise<void> {
  try {
    await ctx.request(event, payload, { retry: true });
    ctx.notify(null);
  } catch (error) {
    ctx.notify(toApiError(error).message);
  }
}
