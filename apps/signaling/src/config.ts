import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LIMITS, orderTurnUrls, PARTY } from '@roomcast/shared';
import {
  ConfigError as SfuConfigError,
  remoteSfuConfigFromEnv,
  sfuConfigFromEnv,
  type RemoteSfuConfig,
  type SfuConfig,
} from '@roomcast/sfu';
import type { TurnSettings } from './auth/turn-credentials.js';
import { collectIssues, ConfigError, configErrorFrom, envName, formatConfigError, isSecretVariable, parseEnv, type ConfigIssue } from './config-error.js';
import { parseAllowedOrigins } from './http/origin.js';
import { parseTrustProxy } from './http/proxy.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** A string option read by `parse`, whose own error message becomes the issue. */
const parsedWith = <T>(parse: (text: string) => T) =>
  z.string().transform((text, ctx): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * Every signaling option: environment variable, default and meaning, in one place.
 * The README's configuration table mirrors this file.
 */
export const SignalingConfig = z.object({
  /** HOST — address the HTTP + socket.io server binds. */
  host: z.string().default('0.0.0.0'),
  /** PORT — the one port for the web app, the API and socket.io. */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** DATA_DIR — where the embedded SQLite database and uploads live. */
  dataDir: z.string().default(path.join(repoRoot, 'data')),
  /** DATABASE_URL — `file:…` (SQLite, default `file:$DATA_DIR/roomcast.db`) or `postgres://…`. */
  databaseUrl: z.string().optional(),
  /** WEB_DIST — the built web app to serve; empty disables it. */
  webDist: z.string().default(path.join(repoRoot, 'apps/web/dist')),
  /** TLS_CERT_FILE / TLS_KEY_FILE — serve HTTPS directly (phones need a secure context). */
  tlsCertFile: z.string().optional(),
  tlsKeyFile: z.string().optional(),
  /** SESSION_TTL_HOURS — how long a sign-in lasts. */
  sessionTtlHours: z.coerce.number().positive().default(24 * 30),
  /** COOKIE_SECURE — mark the session cookie Secure; defaults to on when TLS is on. */
  cookieSecure: bool.optional(),
  /** AUTH_RATE_LIMIT — sign-in / sign-up attempts per IP per minute. */
  authRateLimit: z.coerce.number().int().positive().default(30),
  /** SIGNIN_FAILURES_BEFORE_LOCKOUT — wrong passwords in a row (within an hour) that lock an account out. */
  signinFailuresBeforeLockout: z.coerce.number().int().min(1).default(5),
  /** SIGNIN_LOCKOUT_SECONDS — the first lockout; each further one the same day doubles it. */
  signinLockoutSeconds: z.coerce.number().int().min(1).default(60),
  /** SIGNIN_LOCKOUT_MAX_SECONDS — the longest lockout. */
  signinLockoutMaxSeconds: z.coerce.number().int().min(1).default(15 * 60),
  /** SIGNIN_FAILURES_PER_IP_PER_HOUR — wrong passwords from one address per hour, whichever accounts, before it is locked out for an hour. */
  signinFailuresPerIpPerHour: z.coerce.number().int().min(1).default(50),
  /**
   * ARCHIVES_DIR — with a standalone SFU (SFU_URL): the SFU's SFU_RECORDINGS_DIR as this
   * process sees it (the same host, or a shared volume), so broadcast archives can be served.
   * Unset there: archives are recorded on the SFU's host but not served. Embedded: unused.
   */
  archivesDir: z.string().optional(),
  /** PUBLIC_URL — the address people reach Roomcast at (links in emails). Unset: the web app's own origin, from its request. */
  publicUrl: z.string().url().optional(),
  /** SMTP_URL — `smtp://user:pass@host:587` or `smtps://…`: send email for real. Unset: a development mailbox under DATA_DIR, read on the admin page. */
  smtpUrl: z.string().url().optional(),
  /** MAIL_FROM — the sender of Roomcast's emails. */
  mailFrom: z.string().default('Roomcast <roomcast@localhost>'),
  /** REQUIRE_EMAIL_CONFIRMATION — refuse sign-in until the account's email is confirmed (default: allowed, with a banner). */
  requireEmailConfirmation: bool.default(false),
  /** EMAIL_CONFIRM_TTL_HOURS — how long a confirmation link works. */
  emailConfirmTtlHours: z.coerce.number().positive().default(48),
  /** PASSWORD_RESET_TTL_MINUTES — how long a password-reset link works. */
  passwordResetTtlMinutes: z.coerce.number().positive().max(24 * 60).default(60),
  /** REDIS_URL — `redis://…`: rate-limit counters live in Redis, shared by every instance, and transcode jobs go to BullMQ there, run by `roomcast-transcoder` processes. Unset: in memory and in the database. */
  redisUrl: z.string().url().optional(),
  /** GUESTS_PER_IP_PER_HOUR — guest accounts one client address may create per hour. */
  guestsPerIpPerHour: z.coerce.number().int().positive().default(LIMITS.guestsPerIpPerHour),
  /** TRUST_PROXY — whose X-Forwarded-For/-Host/-Proto to believe: false, true, a hop count, or addresses/subnets/loopback. Every per-address limit keys on the client address this yields. */
  trustProxy: parsedWith(parseTrustProxy).default(['loopback']),
  /** ALLOWED_ORIGINS — comma-separated origins whose pages may write to the API and open sockets; unset: same origin only. */
  allowedOrigins: parsedWith(parseAllowedOrigins).optional(),
  /** GUEST_RETENTION_HOURS — a guest account with no session left is deleted once this old. */
  guestRetentionHours: z.coerce.number().positive().default(24),
  /** ACCOUNT_PURGE_DAYS — a deleted account (anonymised at once) is removed with everything it owns this many days later. */
  accountPurgeDays: z.coerce.number().min(0).default(30),
  /** SWEEP_INTERVAL_MINUTES — how often expired sessions and stale guest accounts are pruned. */
  sweepIntervalMinutes: z.coerce.number().positive().max(24 * 60).default(60),
  /** JOINS_PER_MINUTE — room joins one account may make per minute; more are refused with the wait. */
  joinsPerMinute: z.coerce.number().int().min(1).default(30),
  /** JOINS_PER_IP_PER_MINUTE — room joins from one client address per minute, whichever accounts. */
  joinsPerIpPerMinute: z.coerce.number().int().min(1).default(300),
  /** SOCKET_RATE_LIMIT — socket.io events per connection per second before it is told to slow down. */
  socketRateLimit: z.coerce.number().int().positive().default(100),
  /** ROOM_MAX_PARTICIPANTS — people in one room at once; the next one is told the room is full. */
  roomMaxParticipants: z.coerce.number().int().min(1).max(10_000).default(50),
  /** WATCH_MAX_MEMBERS — people in one watch party (a mesh of peer links: keep it small). */
  watchMaxMembers: z.coerce.number().int().min(1).max(PARTY.maxMembers).default(12),
  /** PARTY_MESH_VOICE_MAX — a watch party talks peer to peer up to this many members, through the SFU past it (0: always the SFU). */
  partyMeshVoiceMax: z.coerce.number().int().min(0).max(100).default(PARTY.meshVoiceMax),
  /** DJ_MAX_LISTENERS — people in one DJ channel, the DJ included. */
  djMaxListeners: z.coerce.number().int().min(1).max(100_000).default(500),
  /** DJ_BITRATE_KBPS — the studio's stereo Opus bitrate (music: 128 or more). */
  djBitrateKbps: z.coerce.number().int().min(32).max(510).default(128),
  /** DJ_LIKES_PER_MINUTE — likes one listener may add to a broadcast per minute; more are refused. */
  djLikesPerMinute: z.coerce.number().int().min(1).max(600).default(6),
  /** DJ_CHAT_PER_MINUTE — chat messages one listener may send per minute. */
  djChatPerMinute: z.coerce.number().int().min(1).max(600).default(20),
  /** DJ_STUDIO_GRACE_SECONDS — how long a live broadcast waits for its studio to come back (reload, network change) before it ends. */
  djStudioGraceSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  /** DJ_COUNTS_INTERVAL_MS — least time between two pushes of a channel's counts (500: twice a second). */
  djCountsIntervalMs: z.coerce.number().int().min(500).max(60_000).default(500),
  /** ROOM_IDLE_HOURS — an open room nobody has been in for this long is closed. */
  roomIdleHours: z.coerce.number().positive().default(24),
  /** ROOM_LIST_LIMIT — most rooms one GET /api/rooms answers with. */
  roomListLimit: z.coerce.number().int().min(1).max(1000).default(100),
  /** DATABASE_POOL_SIZE — PostgreSQL connections for queries (SQLite ignores it). */
  databasePoolSize: z.coerce.number().int().min(1).max(200).default(10),
  /** ROOM_BAN_SECONDS — how long a person removed by a moderator cannot rejoin that room. */
  roomBanSeconds: z.coerce.number().int().min(0).default(600),
  /** TURN_URLS — comma-separated TURN URLs handed to clients (with short-lived credentials). */
  turnUrls: z.string().optional(),
  /** TURN_SECRET or TURN_SECRET_FILE — coturn's static-auth-secret, used to sign credentials. */
  turnSecret: z.string().optional(),
  /** TURN_SECRET_PREVIOUS or TURN_SECRET_PREVIOUS_FILE — the secret being rotated out; nothing is signed with it. */
  turnSecretPrevious: z.string().optional(),
  /** TURN_CREDENTIAL_TTL — seconds a TURN credential stays valid. */
  // Seconds, not minutes, are allowed so a test can watch a call outlive its credentials.
  turnCredentialTtl: z.coerce.number().int().min(5).default(3600),
  /** ICE_CONNECT_TIMEOUT_MS — how long a client waits for a link to connect before saying it could not. */
  iceConnectTimeoutMs: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  /** TURN_SELF_TEST — probe every TURN URL at start and log the result. */
  turnSelfTest: bool.default(true),
  /** VIDEO_MAX_UPLOAD_MB — largest video one upload may be, in MiB (tus refuses larger ones before a byte is stored). */
  videoMaxUploadMb: z.coerce.number().int().min(1).max(1024 * 1024).default(4096),
  /** TRANSCODE_WORKERS — transcode jobs this process runs at once (embedded queue); 0 leaves them to other processes. */
  transcodeWorkers: z.coerce.number().int().min(0).max(16).default(1),
  /** TRANSCODE_MAX_ATTEMPTS — attempts per job before it ends failed with ffmpeg's error (a crashed worker's attempt counts). */
  transcodeMaxAttempts: z.coerce.number().int().min(1).max(20).default(3),
  /** TRANSCODE_LEASE_SECONDS — how long a worker's claim on a job lasts without renewal; a dead worker's job is retried after it. */
  transcodeLeaseSeconds: z.coerce.number().min(1).max(3600).default(60),
  /** TRANSCODE_RETRY_SECONDS — wait before a failed attempt is retried (doubles each attempt). */
  transcodeRetrySeconds: z.coerce.number().min(0).max(86_400).default(30),
  /** TRANSCODE_PRESET — x264 preset: faster presets use less CPU for bigger files. */
  transcodePreset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  /** TRANSCODE_WEBM — also make WebM (VP9/Opus) renditions; VP9 costs several times H.264's CPU. */
  transcodeWebm: bool.default(false),
  /** TRANSCODE_QUEUE — the BullMQ queue's name on that Redis (deployments sharing one Redis use different names). */
  transcodeQueue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _').default('roomcast-transcode'),
  /** LOG_LEVEL — pino level. */
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type SignalingConfig = Omit<z.infer<typeof SignalingConfig>, 'turnSecret' | 'turnSecretPrevious'> & {
  databaseUrl: string;
  /** Where broadcast recordings are served from: the embedded SFU's recordings folder ($DATA_DIR/archives by default). */
  archivesDir: string | undefined;
  sfu: SfuConfig;
  /** Set when the SFU runs on its own (SFU_URL): signaling drives it over its control channel. */
  sfuRemote: RemoteSfuConfig | undefined;
  /** Present when TURN is configured; the secret never leaves this object. */
  turn: TurnSettings | undefined;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  const unreadable: ConfigIssue[] = [];
  const [parsed, sfu, sfuRemote] = collectIssues(() => parseEnv(SignalingConfig, {
    host: env.HOST,
    port: env.PORT,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    webDist: env.WEB_DIST,
    tlsCertFile: env.TLS_CERT_FILE,
    tlsKeyFile: env.TLS_KEY_FILE,
    sessionTtlHours: env.SESSION_TTL_HOURS,
    cookieSecure: env.COOKIE_SECURE,
    authRateLimit: env.AUTH_RATE_LIMIT,
    guestsPerIpPerHour: env.GUESTS_PER_IP_PER_HOUR,
    signinFailuresBeforeLockout: env.SIGNIN_FAILURES_BEFORE_LOCKOUT,
    signinLockoutSeconds: env.SIGNIN_LOCKOUT_SECONDS,
    signinLockoutMaxSeconds: env.SIGNIN_LOCKOUT_MAX_SECONDS,
    signinFailuresPerIpPerHour: env.SIGNIN_FAILURES_PER_IP_PER_HOUR,
    redisUrl: env.REDIS_URL || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    archivesDir: env.ARCHIVES_DIR || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || undefined,
    requireEmailConfirmation: env.REQUIRE_EMAIL_CONFIRMATION,
    emailConfirmTtlHours: env.EMAIL_CONFIRM_TTL_HOURS,
    passwordResetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
    trustProxy: env.TRUST_PROXY || undefined,
    allowedOrigins: env.ALLOWED_ORIGINS || undefined,
    guestRetentionHours: env.GUEST_RETENTION_HOURS,
    sweepIntervalMinutes: env.SWEEP_INTERVAL_MINUTES,
    accountPurgeDays: env.ACCOUNT_PURGE_DAYS,
    joinsPerMinute: env.JOINS_PER_MINUTE,
    joinsPerIpPerMinute: env.JOINS_PER_IP_PER_MINUTE,
    socketRateLimit: env.SOCKET_RATE_LIMIT,
    roomMaxParticipants: env.ROOM_MAX_PARTICIPANTS,
    roomBanSeconds: env.ROOM_BAN_SECONDS,
    watchMaxMembers: env.WATCH_MAX_MEMBERS,
    partyMeshVoiceMax: env.PARTY_MESH_VOICE_MAX,
    djMaxListeners: env.DJ_MAX_LISTENERS,
    djBitrateKbps: env.DJ_BITRATE_KBPS,
    djLikesPerMinute: env.DJ_LIKES_PER_MINUTE,
    djChatPerMinute: env.DJ_CHAT_PER_MINUTE,
    djCountsIntervalMs: env.DJ_COUNTS_INTERVAL_MS,
    djStudioGraceSeconds: env.DJ_STUDIO_GRACE_SECONDS,
    roomIdleHours: env.ROOM_IDLE_HOURS,
    roomListLimit: env.ROOM_LIST_LIMIT,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    logLevel: env.LOG_LEVEL,
    videoMaxUploadMb: env.VIDEO_MAX_UPLOAD_MB,
    transcodeWorkers: env.TRANSCODE_WORKERS,
    transcodeMaxAttempts: env.TRANSCODE_MAX_ATTEMPTS,
    transcodeLeaseSeconds: env.TRANSCODE_LEASE_SECONDS,
    transcodeRetrySeconds: env.TRANSCODE_RETRY_SECONDS,
    transcodePreset: env.TRANSCODE_PRESET,
    transcodeWebm: env.TRANSCODE_WEBM,
    transcodeQueue: env.TRANSCODE_QUEUE,
    turnUrls: env.TURN_URLS || undefined,
    turnSecret: secretFrom(env.TURN_SECRET, env.TURN_SECRET_FILE, 'TURN_SECRET_FILE', unreadable),
    turnSecretPrevious: secretFrom(env.TURN_SECRET_PREVIOUS, env.TURN_SECRET_PREVIOUS_FILE, 'TURN_SECRET_PREVIOUS_FILE', unreadable),
    turnCredentialTtl: env.TURN_CREDENTIAL_TTL,
    iceConnectTimeoutMs: env.ICE_CONNECT_TIMEOUT_MS,
    turnSelfTest: env.TURN_SELF_TEST,
  }, env), () => sfuFromEnv(env, sfuConfigFromEnv), () => sfuFromEnv(env, remoteSfuConfigFromEnv), () => {
    if (unreadable.length) throw new ConfigError(unreadable);
  });
  const { turnSecret: _secret, turnSecretPrevious: _previous, ...rest } = parsed;
  return {
    ...rest,
    dataDir: path.resolve(parsed.dataDir),
    databaseUrl: parsed.databaseUrl ?? `file:${path.join(path.resolve(parsed.dataDir), 'roomcast.db')}`,
    cookieSecure: parsed.cookieSecure ?? Boolean(parsed.tlsCertFile),
    turn:
      parsed.turnUrls && parsed.turnSecret
        ? {
            urls: orderTurnUrls(parsed.turnUrls.split(',').map((u) => u.trim()).filter(Boolean)),
            secret: parsed.turnSecret,
            previousSecret: parsed.turnSecretPrevious,
            ttlSeconds: parsed.turnCredentialTtl,
          }
        : undefined,
    // Embedded, the SFU records next to the database unless told otherwise; the files are served from there.
    sfu: sfuRemote ? sfu : { ...sfu, recordingsDir: sfu.recordingsDir ?? path.join(path.resolve(parsed.dataDir), 'archives') },
    archivesDir: sfuRemote ? (parsed.archivesDir && path.resolve(parsed.archivesDir)) : (sfu.recordingsDir ?? path.join(path.resolve(parsed.dataDir), 'archives')),
    sfuRemote,
  };
}

// The SFU's options are named SFU_<OPTION>, but for these two.
const SFU_NAMES: Record<string, string> = { initialOutgoingBitrate: 'SFU_INITIAL_BITRATE', workerBin: 'SFU_WORKER_BIN' };
export const sfuEnvName = (key: string): string => SFU_NAMES[key] ?? envName(key, 'SFU_');

/** The SFU's own options (embedded, or how to reach it when it runs apart), with errors named like ours. */
function sfuFromEnv<T>(env: NodeJS.ProcessEnv, read: (env: NodeJS.ProcessEnv) => T): T {
  try {
    return read(env);
  } catch (error) {
    if (error instanceof z.ZodError) throw configErrorFrom(error, env, sfuEnvName);
    if (error instanceof SfuConfigError) {
      throw new ConfigError(error.issues.map((i) => ({ variable: i.variable, problem: i.problem, given: isSecretVariable(i.variable) ? undefined : env[i.variable] })));
    }
    throw error;
  }
}

/** Secrets come from the environment or a file (Docker/Kubernetes secrets), never from logs. */
function secretFrom(value: string | undefined, file: string | undefined, variable: string, unreadable: ConfigIssue[]): string | undefined {
  if (value) return value;
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    unreadable.push({ variable, problem: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return undefined;
  }
}

/** For process entries: the configuration, or a plain message naming each bad variable and exit 1. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  try {
    return configFromEnv(env);
  } catch (error) {
    // An operator's mistake, not a crash: name each variable and what is wrong, no stack.
    console.error(formatConfigError(error));
    process.exit(1);
  }
}
