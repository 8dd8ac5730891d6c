import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino, type Logger } from 'pino';
import { LIMITS, PROTOCOL_VERSION, type SelfTestResponse } from '@roomcast/shared';
import { sessionKey, Sessions } from './auth/sessions.js';
import { Sweeper } from './auth/sweep.js';
import type { SignalingConfig } from './config.js';
import { openDatabase, redactUrl, type Database, type User } from './db/index.js';
import { EmailLinks } from './email/email-links.js';
import { DevMailbox, smtpMailer, type Mailer } from './email/mailer.js';
import { adminRoutes } from './http/admin-routes.js';
import { securityHeaders } from './http/security-headers.js';
import { authRoutes } from './http/auth-routes.js';
import { accountRoutes } from './http/account-routes.js';
import { apiGuards } from './http/body.js';
import { emailRoutes } from './http/email-routes.js';
import { connectivityRoutes, selfTestRunner } from './http/connectivity-routes.js';
import { errorHandler, notFound } from './http/errors.js';
import { healthRoutes, sfuReadiness } from './http/health-routes.js';
import { allowSocketRequest } from './http/origin.js';
import { roomRoutes } from './http/room-routes.js';
import { webApp } from './http/static.js';
import { JoinLimit } from './limits/join-limit.js';
import { limitersFor, type Limiters } from './limits/limiters.js';
import { archiveRoutes } from './dj/archive-routes.js';
import { channelRoutes } from './dj/channel-routes.js';
import { MemoryLiveCounts, type LiveCountsStore } from './dj/live-counts.js';
import type { Timers } from './dj/push-throttle.js';
import { systemClock, type Clock } from './rooms/clock.js';
import { libraryRoutes } from './library/library-routes.js';
import { MemoryAgentPresenceStore } from './library/memory-presence-store.js';
import type { AgentPresenceStore } from './library/presence-store.js';
import { attachLibrarySockets, type LibrarySockets } from './library/sockets.js';
import { IdleRoomSweep } from './rooms/idle-sweep.js';
import type { LiveRoomStore } from './rooms/live-store.js';
import { MemoryLiveStore } from './rooms/memory-live-store.js';
import type { ModerationStore } from './rooms/moderation-store.js';
import { openSfu, type SfuHandle } from './sfu-link.js';
import { createSocketServer, SOCKET_IO_PATH, type SocketLayer } from './socket/server.js';
import { MemorySocketRegistry, type SocketRegistry } from './socket/socket-registry.js';
import type { RoomcastIo } from './socket/types.js';
import { openTranscodeQueue } from './videos/open-queue.js';
import type { TranscodeQueue } from './videos/transcode-queue.js';
import { UPLOADS_PATH, videoUploads, type Uploads } from './videos/uploads.js';
import { subtitleRoutes } from './videos/subtitles.js';
import { VideoFiles } from './videos/video-files.js';
import { videoRoutes } from './videos/video-routes.js';
import type { VideoAccess } from './videos/video-store.js';
import { refuseForeignWrites } from './http/origin.js';
import { MemoryPartyStore } from './party/memory-party-store.js';
import type { PartyStore } from './party/party-store.js';
import { PartyService } from './party/party-service.js';
import { mountPeerServer, type PeerMesh } from './party/peer-server.js';
import { refuseUnclaimedUpgrades } from './http/upgrades.js';
import { MemoryPinGuard } from './party/pin-guard.js';
import { partyRoutes } from './http/party-routes.js';

/** What tests (and a clustered deployment) may swap in; everything defaults to the single node. */
export interface AppOptions {
  /** Time for bans and room expiry. */
  clock?: Clock;
  /** Wraps the SFU control, e.g. to hold a call at a chosen moment. */
  wrapSfu?: (sfu: SfuHandle) => SfuHandle;
  /** Shared room state; the in-memory stores by default. */
  live?: LiveRoomStore;
  moderation?: ModerationStore;
  registry?: SocketRegistry;
  /** DJ listener counts and likes; in memory by default. */
  djCounts?: LiveCountsStore;
  /** Timers for pushes that wait (DJ counts), with `clock` for tests that drive time. */
  timers?: Timers;
  /** Who besides owners and admins may watch a video: the watch-party side (videos/video-store.ts). */
  videoAccess?: VideoAccess;
  /** Watch parties' shared state; in memory by default. */
  parties?: PartyStore;
  /** Which desktop agents are online, pairing codes, library sessions; in memory by default. */
  agentPresence?: AgentPresenceStore;
}

/** Parties one account may have open at once. */
const PARTIES_PER_ACCOUNT = 5;

/**
 * The whole embedded Roomcast: database, SFU workers, HTTP API, socket.io and the web app on
 * one port. `create` brings it up in dependency order; `close` takes it down in reverse.
 */
export class App {
  #closing: Promise<void> | undefined;
  #accepting = true;
  #sweeper: Sweeper | undefined;
  #limiters: Limiters | undefined;
  #mailer: Mailer | undefined;
  #uploads: Uploads | undefined;
  #transcodes: TranscodeQueue | undefined;
  #mesh: PeerMesh | undefined;

  private constructor(
    readonly config: SignalingConfig,
    readonly log: Logger,
    readonly db: Database,
    readonly sfu: SfuHandle,
    readonly server: http.Server,
    readonly sockets: SocketLayer,
    readonly live: LiveRoomStore,
    readonly sweep: IdleRoomSweep,
  ) {}

  /** The transcode queue uploads go to (embedded, or BullMQ when REDIS_URL is set). */
  get transcodes(): TranscodeQueue {
    return this.#transcodes!;
  }

  get io(): RoomcastIo {
    return this.sockets.io;
  }

  static async create(config: SignalingConfig, log: Logger = pino({ level: config.logLevel }), options: AppOptions = {}): Promise<App> {
    log.info({ database: redactUrl(config.databaseUrl) }, 'opening database');
    const db = await openDatabase(config.databaseUrl, log, { poolSize: config.databasePoolSize });
    let sfu: SfuHandle | undefined;
    const limiters = limitersFor(config.redisUrl);
    let mailer: Mailer | undefined;
    let transcodes: TranscodeQueue | undefined;
    let uploads: Uploads | undefined;
    let mesh: PeerMesh | undefined;
    try {
      sfu = await openSfu(config, log);
      if (options.wrapSfu) sfu = options.wrapSfu(sfu);
      const clock = options.clock ?? systemClock;
      const live = options.live ?? new MemoryLiveStore(clock);
      // In the database, so a ban outlives a restart.
      const moderation = options.moderation ?? db.moderation(config.roomBanSeconds * 1000, clock);
      const registry = options.registry ?? new MemorySocketRegistry();
      const parties = options.parties ?? new MemoryPartyStore();
      const party = new PartyService({ parties, pins: new MemoryPinGuard(clock), videos: db.videos, clock });
      // Members of a party may fetch the files of what it plays or queues.
      const videoAccess = options.videoAccess ?? { partyAllows: (userId: string, videoId: string) => parties.allows(userId, videoId) };
      const control = sfu;
      let sockets: SocketLayer | undefined;
      const closeLive = async (roomId: string, reason: string) => sockets?.closeRoom(roomId, reason);
      const sessions = new Sessions(db, config.sessionTtlHours * 3_600_000, config.cookieSecure ?? false);
      let app: App | undefined;
      const accepting = () => (app ? app.#accepting : false);

      const userChanged = async (user: User) => sockets?.accounts.userChanged(user);
      const endAccount = async (userId: string, reason: string) => void (await sockets?.accounts.endAccount(userId, reason));
      mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : new DevMailbox(path.join(config.dataDir, 'mailbox'), config.mailFrom);
      const links = new EmailLinks(db, mailer, { publicUrl: config.publicUrl, confirmTtlHours: config.emailConfirmTtlHours, resetTtlMinutes: config.passwordResetTtlMinutes });

      const web = express();
      const server = config.tlsCertFile && config.tlsKeyFile
        ? https.createServer({ cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) }, web)
        : http.createServer(web);
      web.disable('x-powered-by');
      web.set('trust proxy', config.trustProxy);
      web.use(securityHeaders({ tls: Boolean(config.cookieSecure) }));
      web.use(healthRoutes({
        database: async () => {
          await db.ping();
          return { ok: true, detail: db.provider };
        },
        sfu: sfuReadiness(control, accepting),
      }));
      const resolveSession: express.RequestHandler = async (req, res, next) => {
        try {
          res.locals.user = await sessions.resolve(req.headers.cookie);
          next();
        } catch (error) {
          next(error);
        }
      };
      const files = new VideoFiles(config.dataDir);
      await files.ensure();
      transcodes = await openTranscodeQueue(config, { db, files, log, clock });
      transcodes.onProgress(({ ownerId, ...event }) => {
        sockets?.accounts.emitToAccount(ownerId, 'video:progress', event).catch((error: unknown) => log.warn({ err: error }, 'pushing video progress failed'));
      });
      uploads = videoUploads({ db, files, queue: transcodes, log, maxBytes: config.videoMaxUploadMb * 1024 * 1024 });
      // tus bodies (raw bytes) and subtitle files (text) are not JSON: they sit before the JSON-only guards.
      web.use(UPLOADS_PATH, refuseForeignWrites(config), resolveSession, uploads.handler);
      web.use('/api/videos', subtitleRoutes({ db, files, before: [refuseForeignWrites(config), resolveSession] }));
      web.use('/api', ...apiGuards(config), resolveSession);
      web.get('/api/config', (_req, res) => {
        res.json({ protocolVersion: PROTOCOL_VERSION, limits: LIMITS });
      });
      web.use('/api/auth', authRoutes(db, sessions, limiters, {
        attemptsPerMinute: config.authRateLimit,
        guestsPerHour: config.guestsPerIpPerHour,
        signin: {
          failuresBeforeLockout: config.signinFailuresBeforeLockout,
          lockoutSeconds: config.signinLockoutSeconds,
          maxLockoutSeconds: config.signinLockoutMaxSeconds,
          failuresPerAddressPerHour: config.signinFailuresPerIpPerHour,
        },
      }, {
        endSession: async (cookie, reason) => void (await sockets?.accounts.endSession(sessionKey(cookie), reason)),
        signedUp: async (user, req) => {
          const base = links.linkBase(req);
          // A failed send must not fail the sign-up: the banner in the app offers to send again.
          if (base) await links.sendConfirmation(user, base).catch((err: unknown) => log.warn({ err }, 'confirmation email not sent'));
        },
        requireConfirmedEmail: config.requireEmailConfirmation,
      }));
      web.use('/api/auth', emailRoutes({ db, links, limiters, userChanged, endAccount }));
      web.use('/api/account', accountRoutes({
        db, sessions, links, userChanged, endAccount,
        endSession: async (key, reason) => void (await sockets?.accounts.endSession(key, reason)),
      }));
      web.use('/api/videos', videoRoutes({ db, files, access: videoAccess }));
      web.use('/api/rooms', roomRoutes({ db, live, closeLive, listLimit: config.roomListLimit }));
      web.use('/api/parties', partyRoutes({ db, parties, videoAccess, clock, perAccount: PARTIES_PER_ACCOUNT, meshVoiceMax: config.partyMeshVoiceMax }));
      web.use('/api/channels', channelRoutes({ db, clock }), archiveRoutes({ db, archivesDir: config.archivesDir }));
      const connectivity = { turn: config.turn, connectTimeoutMs: config.iceConnectTimeoutMs, log };
      const selfTest = selfTestRunner(connectivity);
      web.use('/api', connectivityRoutes(connectivity, selfTest));
      web.use('/api/admin', adminRoutes({
        db,
        live,
        sfu: control,
        userChanged,
        endAccount,
        mailbox: mailer instanceof DevMailbox ? mailer : undefined,
        refusals: () => sockets?.refusals.totals() ?? {},
      }));
      const presence = options.agentPresence ?? new MemoryAgentPresenceStore();
      let library: LibrarySockets | undefined;
      web.use('/api/library', libraryRoutes({
        db,
        limiters,
        presence,
        onUnpaired: async (agentId) => library?.unpaired(agentId),
        onRevoked: async (agentId, userId) => library?.revoked(agentId, userId),
      }));
      web.use('/api', (_req, _res, next) => next(notFound('API route')));
      const peerMesh = mountPeerServer(web, server, { sessions, parties, origin: config, log });
      mesh = peerMesh;
      party.onMeshGone = (meshId) => peerMesh.disconnect(meshId);
      web.use(webApp(config.webDist));
      web.use(errorHandler(log));

      const roomLimits = { voice: config.roomMaxParticipants, watch: config.watchMaxMembers, dj: config.djMaxListeners };
      sockets = createSocketServer(server, { db, sessions, sfu: control, live, moderation, registry, log, eventsPerSecond: config.socketRateLimit, roomLimits, turn: config.turn, connectTimeoutMs: config.iceConnectTimeoutMs, accepting, party, videoAccess, clock, allowRequest: allowSocketRequest(config),
        limiters, joins: new JoinLimit(limiters, { perAccountPerMinute: config.joinsPerMinute, perAddressPerMinute: config.joinsPerIpPerMinute }), trustProxy: config.trustProxy,
        dj: { bitrateKbps: config.djBitrateKbps, likesPerMinute: config.djLikesPerMinute, chatPerMinute: config.djChatPerMinute, countsIntervalMs: config.djCountsIntervalMs, studioGraceMs: config.djStudioGraceSeconds * 1000 },
        djCounts: options.djCounts ?? new MemoryLiveCounts(), timers: options.timers, mailer, publicUrl: config.publicUrl });
      refuseUnclaimedUpgrades(server, (pathname) => pathname === SOCKET_IO_PATH || peerMesh.claims(pathname));
      library = attachLibrarySockets({ io: sockets.io as never, db, sessions, presence, refusals: sockets.refusals, log: log.child({ part: 'library' }), turn: config.turn, connectTimeoutMs: config.iceConnectTimeoutMs, eventsPerSecond: config.socketRateLimit });
      const idleMs = config.roomIdleHours * 3_600_000;
      // A DJ channel's room lives as long as its channel, however long nobody listens.
      const keep = async (roomId: string) => (await db.channels.findByRoom(roomId)) !== null;
      const sweep = new IdleRoomSweep({ rooms: db.rooms, live, idleMs, clock, log, keep, close: async (roomId, reason) => {
        await db.rooms.close(roomId);
        await closeLive(roomId, reason);
      } });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const sweeper = new Sweeper(db, { intervalMs: config.sweepIntervalMinutes * 60_000, guestRetentionMs: config.guestRetentionHours * 3_600_000, accountPurgeMs: config.accountPurgeDays * 86_400_000, log });
      sweeper.start();
      app = new App(config, log, db, sfu, server, sockets, live, sweep);
      app.#sweeper = sweeper;
      app.#limiters = limiters;
      app.#mailer = mailer;
      app.#uploads = uploads;
      app.#transcodes = transcodes;
      app.#mesh = mesh;
      sweep.start(Math.min(idleMs / 4, 10 * 60_000));
      log.info({ url: app.url, turn: config.turn?.urls ?? 'off' }, 'roomcast is up');
      if (config.turn && config.turnSelfTest) logSelfTest(selfTest, log);
      return app;
    } catch (error) {
      uploads?.close();
      await transcodes?.close();
      mesh?.close();
      await sfu?.close();
      await limiters.close();
      await mailer?.close();
      await db.close();
      throw error;
    }
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    const host = this.config.host === '0.0.0.0' || this.config.host === '::' ? 'localhost' : this.config.host;
    return `${scheme}://${host}:${this.port}`;
  }

  /** Graceful: refuse new joins, tell clients, close media, then the database. Idempotent. */
  close(reason = 'server shutting down'): Promise<void> {
    this.#closing ??= (async () => {
      this.#accepting = false;
      this.log.info({ reason }, 'draining');
      this.io.emit('server:shutdown', { reason });
      this.sweep.stop();
      this.#mesh?.close();
      this.sockets.dj.close();
      await this.io.close();
      await this.sockets.drain();
      await this.sfu.close();
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      await this.#sweeper?.stop();
      await this.#limiters?.close();
      await this.#mailer?.close();
      this.#uploads?.close();
      await this.#transcodes?.close();
      await this.db.close();
      this.log.info('closed');
    })();
    return this.#closing;
  }
}

/** At start, in the background: an operator reads at once whether the TURN relay works. */
function logSelfTest(selfTest: () => Promise<SelfTestResponse>, log: Logger): void {
  selfTest().then(
    (result) => {
      if (result.ok) log.info({ results: result.results }, 'turn self-test passed');
      else log.warn({ results: result.results }, 'turn self-test failed');
    },
    (error: unknown) => log.warn({ err: error }, 'turn self-test failed'),
  );
}
