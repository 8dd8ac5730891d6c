import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@roomcast/shared';
import { freePort } from '@roomcast/testkit';
import { App, type AppOptions } from '../app.js';
import { hashToken, SESSION_COOKIE } from '../auth/sessions.js';
import { configFromEnv } from '../config.js';
import type { User, UserRole } from '../db/index.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real App (SQLite in a temp dir, one real mediasoup worker) on free loopback ports. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: AppOptions & { log?: Logger } = {},
): Promise<App & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roomcast-test-'));
  const config = configFromEnv({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    WEB_DIST: '',
    SFU_WORKERS: '1',
    SFU_LISTEN_IP: '127.0.0.1',
    SFU_PORT: String(await freePort()),
    ...env,
  });
  const app = await App.create(config, options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), options);
  return Object.assign(app, {
    cleanup: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A tiny cookie-keeping HTTP client, as a browser tab would be. */
export class Client {
  cookie = '';
  constructor(readonly base: string) {}

  async call(method: string, route: string, body?: unknown, raw?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
    const res = await fetch(this.base + route, {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  /** Opens an authenticated socket and resolves once connected (or rejects with the refusal). */
  async socket(protocolVersion = PROTOCOL_VERSION): Promise<TestSocket> {
    const socket: TestSocket = io(this.base, {
      transports: ['websocket'],
      auth: { protocolVersion },
      extraHeaders: this.cookie ? { cookie: this.cookie } : {},
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
    return socket;
  }
}

/** Emits a request and resolves with its Ack. */
export function ask(socket: TestSocket, event: string, payload: unknown): Promise<any> {
  return (socket as unknown as Socket).timeout(10_000).emitWithAck(event, payload);
}

/**
 * A signed-in guest made straight in the database (no HTTP sign-up, so no sign-up rate limit):
 * for tests that need many people at once.
 */
export async function quickGuest(app: App, displayName: string): Promise<Client> {
  return signedIn(app, await app.db.users.create({ displayName, isGuest: true }));
}

/** A signed-in account with a role (a broadcaster, an admin), made straight in the database. */
export async function quickAccount(app: App, displayName: string, role: UserRole): Promise<Client> {
  const email = `${randomBytes(6).toString('hex')}@test.invalid`;
  return signedIn(app, await app.db.users.create({ displayName, email, role }));
}

async function signedIn(app: App, user: User): Promise<Client> {
  const token = randomBytes(32).toString('base64url');
  await app.db.sessions.create({ userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) });
  const client = new Client(app.url);
  client.cookie = `${SESSION_COOKIE}=${token}`;
  return client;
}
