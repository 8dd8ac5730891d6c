// Video uploads over tus (resumable): streamed to DATA_DIR/uploads by @tus/file-store, never held
// in memory; on the last byte the file is probed, and either becomes a queued video or is
// deleted with a clear refusal (no row, no file).
import type { IncomingMessage } from 'node:http';
import { mkdir, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server, type ServerOptions } from '@tus/server';
import { EVENTS, type Upload } from '@tus/utils';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HTTP_STATUS, LIMITS, RoomcastError, UploadMetadata, VIDEO_UPLOAD_EXTENSIONS, type VideoResponse } from '@roomcast/shared';
import type { Database, User } from '../db/index.js';
import { shortId } from '../db/ids.js';
import { currentUser } from '../http/context.js';
import { NotAVideoError, probe } from './ffmpeg.js';
import type { TranscodeQueue } from './transcode-queue.js';
import type { VideoFiles } from './video-files.js';
import { videoView } from './video-store.js';

export const UPLOADS_PATH = '/api/uploads';

export interface UploadOptions {
  db: Database;
  files: VideoFiles;
  queue: TranscodeQueue;
  log: Logger;
  maxBytes: number;
  /** An unfinished upload is deleted this long after it was created. */
  expiryMs?: number;
}

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0];

/** What tus answers when a hook refuses: the same `{ error }` body as every API refusal. */
const refusal = (error: RoomcastError) => ({ status_code: HTTP_STATUS[error.code], body: JSON.stringify({ error: error.toBody() }) });

/**
 * Unfinished uploads per account, for the in-flight cap. Kept in memory on purpose: a tus upload
 * lives on this instance's disk, so its HEAD/PATCH must reach this instance anyway (sticky
 * routing). Entries older than the upload expiry no longer count.
 */
class InFlight {
  readonly #byOwner = new Map<string, Map<string, number>>();
  constructor(private readonly expiryMs: number) {}

  count(ownerId: string, now: number): number {
    const uploads = this.#byOwner.get(ownerId);
    if (!uploads) return 0;
    for (const [id, created] of uploads) if (now - created > this.expiryMs) uploads.delete(id);
    return uploads.size;
  }

  add(ownerId: string, uploadId: string, now: number): void {
    const uploads = this.#byOwner.get(ownerId) ?? new Map<string, number>();
    uploads.set(uploadId, now);
    this.#byOwner.set(ownerId, uploads);
  }

  remove(ownerId: string, uploadId: string): void {
    const uploads = this.#byOwner.get(ownerId);
    uploads?.delete(uploadId);
    if (uploads?.size === 0) this.#byOwner.delete(ownerId);
  }
}

export interface Uploads {
  /** Mount at UPLOADS_PATH, after the session is resolved (res.locals.user). */
  handler: RequestHandler;
  close(): void;
}

export function videoUploads(opts: UploadOptions): Uploads {
  const { db, files, queue, log } = opts;
  const expiryMs = opts.expiryMs ?? 24 * 3_600_000;
  const store = new FileStore({ directory: files.uploads, expirationPeriodInMilliseconds: expiryMs });
  const inFlight = new InFlight(expiryMs);
  // tus hands hooks a web Request; the Node request under it carries the session's user.
  const users = new WeakMap<IncomingMessage, User>();
  const userOf = (req: TusRequest): User | undefined => {
    const node = req.runtime?.node?.req;
    return node ? users.get(node as IncomingMessage) : undefined;
  };
  const owned = async (req: TusRequest, uploadId: string): Promise<{ user: User; upload: Upload }> => {
    const user = userOf(req);
    if (!user) throw refusal(new RoomcastError('unauthenticated', 'sign in or join as a guest first'));
    const upload = await store.getUpload(uploadId).catch(() => null);
    // Someone else's upload is indistinguishable from none.
    if (!upload || upload.metadata?.owner !== user.id) throw refusal(new RoomcastError('not_found', 'upload not found'));
    return { user, upload };
  };
  const discard = async (upload: Upload, ownerId: string) => {
    inFlight.remove(ownerId, upload.id);
    await store.remove(upload.id).catch(() => rm(join(files.uploads, upload.id), { force: true }));
    await rm(join(files.uploads, `${upload.id}.json`), { force: true });
  };

  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: store,
    maxSize: opts.maxBytes,
    relativeLocation: true,
    async onUploadCreate(req, upload) {
      const user = userOf(req);
      if (!user) throw refusal(new RoomcastError('unauthenticated', 'sign in or join as a guest first'));
      const meta = UploadMetadata.safeParse({ filename: upload.metadata?.filename ?? '', title: upload.metadata?.title ?? undefined });
      if (!meta.success) throw refusal(new RoomcastError('bad_request', meta.error.issues[0]?.message ?? 'bad upload metadata'));
      const ext = extname(meta.data.filename).slice(1).toLowerCase();
      if (!(VIDEO_UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
        throw refusal(new RoomcastError('unsupported_media_type', `upload a video file (${VIDEO_UPLOAD_EXTENSIONS.join(', ')})`));
      }
      const now = Date.now();
      if (inFlight.count(user.id, now) >= LIMITS.videos.uploadsInFlight) {
        throw refusal(new RoomcastError('limit_exceeded', `at most ${LIMITS.videos.uploadsInFlight} uploads at once; wait for one to finish`));
      }
      if ((await db.videos.countByOwner(user.id)) + inFlight.count(user.id, now) >= LIMITS.videos.perAccount) {
        throw refusal(new RoomcastError('limit_exceeded', `at most ${LIMITS.videos.perAccount} videos per account; delete one first`));
      }
      inFlight.add(user.id, upload.id, now);
      // The owner is recorded by the server, whatever the client sent.
      return { metadata: { filename: meta.data.filename, title: meta.data.title ?? null, owner: user.id } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method !== 'POST') await owned(req, uploadId);
    },
    async onUploadFinish(req, upload) {
      const { user } = await owned(req, upload.id);
      const path = join(files.uploads, upload.id);
      let info;
      try {
        info = await probe(path);
      } catch (error) {
        await discard(upload, user.id);
        if (error instanceof NotAVideoError) throw refusal(new RoomcastError('unprocessable_media', `this file cannot be used: ${error.message}`));
        throw error;
      }
      const filename = upload.metadata?.filename ?? 'video';
      const id = shortId();
      try {
        await files.ensure();
        const source = files.source(id, extname(filename).slice(1).toLowerCase());
        await mkdir(files.dir(id), { recursive: true });
        await rename(path, source);
        const video = await db.videos.create({
          id,
          ownerId: user.id,
          title: upload.metadata?.title || filename.replace(/\.[^.]+$/, '').trim().slice(0, LIMITS.videos.title.max) || 'Untitled',
          sourceName: filename,
          sourceBytes: upload.size ?? 0,
          durationMs: info.durationMs,
          width: info.width,
          height: info.height,
          hasAudio: info.hasAudio,
        });
        await queue.enqueue(video);
        await discard(upload, user.id);
        const body: VideoResponse = { video: videoView(video) };
        return { status_code: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
      } catch (error) {
        // Nothing half-made stays: no row, no folder, no upload.
        await db.videos.delete(id).catch(() => false);
        await files.remove(id);
        await discard(upload, user.id);
        log.error({ err: error }, 'storing a finished upload failed');
        throw refusal(new RoomcastError('internal', 'the upload could not be stored; try again'));
      }
    },
    onResponseError(_req, err) {
      // Hook refusals pass through; a store failure is logged once and answered as a server fault.
      if ('status_code' in err) return undefined;
      log.error({ err }, 'upload failed');
      return refusal(new RoomcastError('internal', 'the upload failed on the server'));
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (req, _res, id) => {
    const user = userOf(req);
    if (user) inFlight.remove(user.id, id);
  });

  // Expired unfinished uploads, and folders a crash left without a row, at start and hourly.
  const tidy = () => {
    tus.cleanUpExpiredUploads().catch((error: unknown) => log.warn({ err: error }, 'cleaning expired uploads failed'));
    files.removeOrphans(async (id) => (await db.videos.findById(id)) !== null, 3_600_000).then(
      (ids) => ids.length && log.info({ videos: ids }, 'removed video folders no video names'),
      (error: unknown) => log.warn({ err: error }, 'removing orphaned video folders failed'),
    );
  };
  tidy();
  const sweep = setInterval(tidy, Math.min(expiryMs, 3_600_000));
  sweep.unref();

  const handler: RequestHandler = (req, res, next) => {
    const user = currentUser(res);
    if (user) users.set(req, user);
    // tus routes on the full path; express stripped the mount point from req.url.
    req.url = req.originalUrl;
    tus.handle(req, res).catch(next);
  };
  return { handler, close: () => clearInterval(sweep) };
}
