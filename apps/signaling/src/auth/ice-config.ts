import type { TransportOptions } from '@roomcast/shared';
import { turnCredentials, type TurnSettings } from './turn-credentials.js';

/** What every ICE configuration we hand a client carries: fresh TURN credentials and the connect timeout. */
export function iceExtras(
  deps: { turn: TurnSettings | undefined; connectTimeoutMs?: number | undefined },
  userId: string,
): Pick<TransportOptions, 'iceServers' | 'connectTimeoutMs'> {
  return {
    ...(deps.turn ? { iceServers: [turnCredentials(deps.turn, userId)] } : {}),
    ...(deps.connectTimeoutMs ? { connectTimeoutMs: deps.connectTimeoutMs } : {}),
  };
}
