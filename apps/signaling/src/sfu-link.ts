import type { Logger } from 'pino';
import type { SfuControl } from '@roomcast/shared';
import { LocalSfuControl, RemoteSfuControl, SfuServer } from '@roomcast/sfu';
import type { SignalingConfig } from './config.js';

/** The SFU as signaling drives it: the control surface, and a way to let go of it. */
export type SfuHandle = SfuControl & { close(): Promise<void> | void };

/**
 * The one place that chooses the SFU: the embedded workers in this process by default, or an
 * SFU running on its own (`SFU_URL` + `SFU_CONTROL_SECRET`) over its control channel. Nothing
 * else in signaling knows which it is.
 */
export async function openSfu(config: SignalingConfig, log: Logger): Promise<SfuHandle> {
  if (config.sfuRemote) {
    const remote = new RemoteSfuControl({ ...config.sfuRemote, log: log.child({ component: 'sfu-link' }) });
    log.info({ url: config.sfuRemote.url }, 'using the SFU at its control channel');
    return remote;
  }
  const server = await SfuServer.create(config.sfu, log.child({ component: 'sfu' }));
  return Object.assign(new LocalSfuControl(server), { close: () => server.close() });
}
