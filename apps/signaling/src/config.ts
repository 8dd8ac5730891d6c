import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { orderTurnUrls } from '@roomcast/shared';
import { sfuConfigFromEnv, type SfuConfig } from '@roomcast/sfu';
import type { TurnSettings } from './auth/turn-credentials.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

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
  /** SOCKET_RATE_LIMIT — socket.io events per connection per second before it is told to slow down. */
  socketRateLimit: z.coerce.number().int().positive().default(100),
  /** ROOM_MAX_PARTICIPANTS — people in one room at once; the next one is told the room is full. */
  roomMaxParticipants: z.coerce.number().int().min(1).max(10_000).default(50),
  /** ROOM_BAN_SECONDS — how long a person removed by a moderator cannot rejoin that room. */
  roomBanSeconds: z.coerce.number().int().min(0).default(600),
  /** TURN_URLS — comma-separated TURN URLs handed to clients (with short-lived credentials). */
  turnUrls: z.string().optional(),
  /** TURN_SECRET or TURN_SECRET_FILE — coturn's static-auth-secret, used to sign credentials. */
  turnSecret: z.string().optional(),
  /** TURN_SECRET_PREVIOUS or TURN_SECRET_PREVIOUS_FILE — the secret being rotated out; nothing is signed with it. */
  turnSecretPrevious: z.string().optional(),
  /** TURN_CREDENTIAL_TTL — seconds a TURN credential stays valid. */
  turnCredentialTtl: z.coerce.number().int().min(60).default(3600),
  /** ICE_CONNECT_TIMEOUT_MS — how long a client waits for a link to connect before saying it could not. */
  iceConnectTimeoutMs: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  /** TURN_SELF_TEST — probe every TURN URL at start and log the result. */
  turnSelfTest: bool.default(true),
  /** LOG_LEVEL — pino level. */
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type SignalingConfig = Omit<z.infer<typeof SignalingConfig>, 'turnSecret' | 'turnSecretPrevious'> & {
  databaseUrl: string;
  sfu: SfuConfig;
  /** Present when TURN is configured; the secret never leaves this object. */
  turn: TurnSettings | undefined;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  const parsed = SignalingConfig.parse({
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
    socketRateLimit: env.SOCKET_RATE_LIMIT,
    roomMaxParticipants: env.ROOM_MAX_PARTICIPANTS,
    roomBanSeconds: env.ROOM_BAN_SECONDS,
    logLevel: env.LOG_LEVEL,
    turnUrls: env.TURN_URLS || undefined,
    turnSecret: secretFrom(env.TURN_SECRET, env.TURN_SECRET_FILE),
    turnSecretPrevious: secretFrom(env.TURN_SECRET_PREVIOUS, env.TURN_SECRET_PREVIOUS_FILE),
    turnCredentialTtl: env.TURN_CREDENTIAL_TTL,
    iceConnectTimeoutMs: env.ICE_CONNECT_TIMEOUT_MS,
    turnSelfTest: env.TURN_SELF_TEST,
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
    sfu: sfuConfigFromEnv(env),
  };
}

/** Secrets come from the environment or a file (Docker/Kubernetes secrets), never from logs. */
function secretFrom(value: string | undefined, file: string | undefined): string | undefined {
  if (value) return value;
  return file ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}
