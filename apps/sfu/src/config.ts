import { readFileSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';

/** A comma-separated list of milliseconds; empty means none. */
const msList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean).map(Number) : v),
  z.array(z.number().int().min(0).max(600_000)).max(20),
);

/**
 * Every SFU option, its environment variable and its default, in one place.
 * The README's configuration table repeats these descriptions.
 */
export const SfuConfig = z.object({
  /** SFU_WORKERS — mediasoup worker processes; one per core uses the machine without oversubscribing. */
  workers: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()).meta({ env: 'SFU_WORKERS' }),
  /** SFU_LISTEN_IP — address the WebRtcServers bind. */
  listenIp: z.string().default('0.0.0.0').meta({ env: 'SFU_LISTEN_IP' }),
  /** SFU_ANNOUNCED_ADDRESS — address or hostname put in ICE candidates; defaults to the first external IPv4. */
  announcedAddress: z.string().optional().meta({ env: 'SFU_ANNOUNCED_ADDRESS' }),
  /**
   * SFU_PORT — first UDP+TCP port; worker i listens on port + i (one port per worker for all
   * transports). 0: each worker takes free ports (tests; a respawned worker gets new ones).
   */
  port: z.coerce
    .number()
    .int()
    .refine((p) => p === 0 || (p >= 1024 && p <= 65000), 'must be 0 or 1024…65000')
    .default(40000).meta({ env: 'SFU_PORT' }),
  /** SFU_WORKER_BIN — mediasoup-worker binary; defaults to MEDIASOUP_WORKER_BIN, then mediasoup's own. */
  workerBin: z.string().optional().meta({ env: 'SFU_WORKER_BIN' }),
  /** SFU_LOG_LEVEL — the worker's own log level. */
  logLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn').meta({ env: 'SFU_LOG_LEVEL' }),
  /** SFU_INITIAL_BITRATE — initial outgoing bitrate estimate per transport, bits/s. */
  initialOutgoingBitrate: z.coerce.number().int().min(100_000).default(1_000_000).meta({ env: 'SFU_INITIAL_BITRATE' }),
  /**
   * SFU_RESPAWN_DELAYS_MS — waits before each attempt to respawn a dead worker; after the last
   * failure the worker is given up (its rooms move to live workers, health says degraded).
   * Empty: never respawn.
   */
  respawnDelaysMs: msList.default([0, 250, 1000, 5000]).meta({ env: 'SFU_RESPAWN_DELAYS_MS' }),
  /** SFU_AUDIO_LEVEL_INTERVAL_MS — how often level meters update (AudioLevelObserver interval). */
  audioLevelIntervalMs: z.coerce.number().int().min(50).max(10_000).default(250).meta({ env: 'SFU_AUDIO_LEVEL_INTERVAL_MS' }),
  /** SFU_AUDIO_LEVEL_THRESHOLD — dBov below which a microphone counts as silent (-127…0). */
  audioLevelThreshold: z.coerce.number().int().min(-127).max(0).default(-70).meta({ env: 'SFU_AUDIO_LEVEL_THRESHOLD' }),
  /** SFU_AUDIO_LEVEL_MAX_ENTRIES — loudest producers reported per update (the event carries at most 64). */
  audioLevelMaxEntries: z.coerce.number().int().min(1).max(64).default(16).meta({ env: 'SFU_AUDIO_LEVEL_MAX_ENTRIES' }),
  /** SFU_ACTIVE_SPEAKER_INTERVAL_MS — how often the dominant speaker is re-evaluated. */
  activeSpeakerIntervalMs: z.coerce.number().int().min(100).max(10_000).default(300).meta({ env: 'SFU_ACTIVE_SPEAKER_INTERVAL_MS' }),
  /** SFU_ROUTER_LISTENER_LIMIT — listening peers one router serves before newcomers go to a router on another worker, fed by pipeToRouter. */
  routerListenerLimit: z.coerce.number().int().min(1).max(100_000).default(500).meta({ env: 'SFU_ROUTER_LISTENER_LIMIT' }),
  /** SFU_RECORDINGS_DIR — where broadcast recordings (Ogg/Opus) are written; unset: recording is off. Embedded, signaling sets it to $DATA_DIR/archives. */
  recordingsDir: z.string().optional().meta({ env: 'SFU_RECORDINGS_DIR' }),
  /** SFU_FFMPEG_PATH — the ffmpeg that records. */
  ffmpegPath: z.string().default('ffmpeg').meta({ env: 'SFU_FFMPEG_PATH' }),
});
export type SfuConfig = z.infer<typeof SfuConfig>;


export function sfuConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SfuConfig {
  return fromEnv(SfuConfig, env, { workerBin: env.SFU_WORKER_BIN ?? env.MEDIASOUP_WORKER_BIN });
}

/** The SFU run on its own (main.ts): its control channel and shutdown. */
export const SfuNodeConfig = z.object({
  /** SFU_CONTROL_HOST — address the control channel listens on; loopback unless signaling runs elsewhere. */
  controlHost: z.string().default('127.0.0.1').meta({ env: 'SFU_CONTROL_HOST' }),
  /** SFU_CONTROL_PORT — TCP port of the control channel (WebSocket); 0 picks a free one (logged). */
  controlPort: z.coerce.number().int().min(0).max(65535).default(4080).meta({ env: 'SFU_CONTROL_PORT' }),
  /** SFU_CONTROL_SECRET or SFU_CONTROL_SECRET_FILE — shared with signaling; required, at least 16 characters. */
  controlSecret: z.string({ error: 'is required (set SFU_CONTROL_SECRET or SFU_CONTROL_SECRET_FILE)' }).min(16, 'must be at least 16 characters').meta({ env: 'SFU_CONTROL_SECRET' }),
  /** SFU_DRAIN_TIMEOUT_MS — on SIGTERM, how long open rooms may stay before they are closed. */
  drainTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(5000).meta({ env: 'SFU_DRAIN_TIMEOUT_MS' }),
  /** LOG_LEVEL — pino level of this process. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({ env: 'LOG_LEVEL' }),
});
export type SfuNodeConfig = z.infer<typeof SfuNodeConfig>;


export function sfuNodeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SfuNodeConfig {
  return fromEnv(SfuNodeConfig, env, { controlSecret: secretFrom(env.SFU_CONTROL_SECRET, env.SFU_CONTROL_SECRET_FILE) });
}

/** How signaling reaches an SFU run on its own; undefined when SFU_URL is unset (embedded SFU). */
export const RemoteSfuConfig = z.object({
  /** SFU_URL — the SFU's control channel, e.g. ws://127.0.0.1:4080; unset: run the SFU in-process. */
  url: z.url({ protocol: /^wss?$/ }).meta({ env: 'SFU_URL' }),
  /** SFU_CONTROL_SECRET or SFU_CONTROL_SECRET_FILE — the same secret the SFU was given. */
  secret: z.string({ error: 'is required with SFU_URL' }).min(16, 'must be at least 16 characters').meta({ env: 'SFU_CONTROL_SECRET' }),
  /** SFU_REQUEST_TIMEOUT_MS — a control request not answered by then fails with `unavailable`. */
  requestTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000).meta({ env: 'SFU_REQUEST_TIMEOUT_MS' }),
});
export type RemoteSfuConfig = z.infer<typeof RemoteSfuConfig>;

export function remoteSfuConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteSfuConfig | undefined {
  if (!env.SFU_URL) return undefined;
  return fromEnv(RemoteSfuConfig, env, { secret: secretFrom(env.SFU_CONTROL_SECRET, env.SFU_CONTROL_SECRET_FILE) });
}

/** A bad value stops the process with the variable's name and what is wrong, never the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: { variable: string; problem: string }[]) {
    super(`invalid configuration — ${issues.map((i) => `${i.variable}: ${i.problem}`).join('; ')}`);
  }
}

/** Reads each option from the variable its `meta` names (`extra`: those read otherwise) and validates the lot. */
function fromEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv, extra: Record<string, unknown>): z.infer<S> {
  const names = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, String((field as z.ZodType).meta()?.env)]));
  const raw = { ...Object.fromEntries(Object.entries(names).map(([key, name]) => [key, env[name]])), ...extra };
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => ({ variable: names[String(i.path[0])] ?? i.path.join('.'), problem: i.message })));
}

/** Secrets come from the environment or a file (Docker/Kubernetes secrets), never from logs. */
function secretFrom(value: string | undefined, file: string | undefined): string | undefined {
  if (value) return value;
  return file ? readFileSync(file, 'utf8').trim() || undefined : undefined;
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
