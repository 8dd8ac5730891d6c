import os from 'node:os';
import { z } from 'zod';

/**
 * Every SFU option, its environment variable and its default, in one place.
 * The README's configuration table is generated from the same descriptions.
 */
export const SfuConfig = z.object({
  /** SFU_WORKERS — mediasoup worker processes; one per core uses the machine without oversubscribing. */
  workers: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  /** SFU_LISTEN_IP — address the WebRtcServers bind. */
  listenIp: z.string().default('0.0.0.0'),
  /** SFU_ANNOUNCED_ADDRESS — address or hostname put in ICE candidates; defaults to the first external IPv4. */
  announcedAddress: z.string().optional(),
  /** SFU_PORT — first UDP+TCP port; worker i listens on port + i (one port per worker for all transports). */
  port: z.coerce.number().int().min(1024).max(65000).default(40000),
  /** SFU_WORKER_BIN — mediasoup-worker binary; defaults to MEDIASOUP_WORKER_BIN, then mediasoup's own. */
  workerBin: z.string().optional(),
  /** SFU_LOG_LEVEL — the worker's own log level. */
  logLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** SFU_INITIAL_BITRATE — initial outgoing bitrate estimate per transport, bits/s. */
  initialOutgoingBitrate: z.coerce.number().int().min(100_000).default(1_000_000),
});
export type SfuConfig = z.infer<typeof SfuConfig>;

export function sfuConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SfuConfig {
  return SfuConfig.parse({
    workers: env.SFU_WORKERS,
    listenIp: env.SFU_LISTEN_IP,
    announcedAddress: env.SFU_ANNOUNCED_ADDRESS,
    port: env.SFU_PORT,
    workerBin: env.SFU_WORKER_BIN ?? env.MEDIASOUP_WORKER_BIN,
    logLevel: env.SFU_LOG_LEVEL,
    initialOutgoingBitrate: env.SFU_INITIAL_BITRATE,
  });
}

/** The address browsers should dial when the SFU binds a wildcard. */
export function defaultAnnouncedAddress(listenIp: string): string | undefined {
  if (listenIp !== '0.0.0.0' && listenIp !== '::') return undefined;
  for (const addresses of Object.values(os.networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}
