import type { Logger } from 'pino';
import type { SfuControl } from '@roomcast/shared';
import { LocalSfuControl, SfuServer } from '@roomcast/sfu';
import type { SignalingConfig } from './config.js';

/** The SFU as signaling drives it: the control surface, and a way to let go of it. */
export type SfuHandle = SfuControl & { close(): Promise<void> | void };

/**
 * The one place that chooses the SFU: the embedded workers in this process by default. (An
 * SFU running apart — `SFU_URL` + `SFU_CONTROL_SECRET`, `RemoteSfuControl` from @roomcast/sfu —
 * plugs in here; nothing else in signaling knows which it is.)
 */
export async function openSfu(config: SignalingConfig, log: Logger): Promise<SfuHandle> {
  const server = await SfuServer.create(config.sfu, log.child({ component: 'sfu' }));
  return Object.assign(new LocalSfuControl(server), { close: () => server.close() });
}
