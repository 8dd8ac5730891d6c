// /api/videos: "My videos" (list, one, rename, delete), what a party plays, and the files
// themselves with HTTP range semantics (`send`: 206/416, ETag, Last-Modified, conditional GETs).
import { join } from 'node:path';
import { Router, type Response } from 'express';
import send from 'send';
import { mayManageVideo } from '../auth/policy.js';
import { Id, parseOrThrow, RenameVideoBody, RoomcastError, type PlayableResponse, type VideoListResponse, type VideoResponse } from '@roomcast/shared';
import type { Database, User } from '../db/index.js';
import { handle, requireUser } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { VideoFiles } from './video-files.js';
import { mayWatch, playableVideo, videoView, type Video, type VideoAccess } from './video-store.js';

export interface VideoRouteDeps {
  db: Database;
  files: VideoFiles;
  access: VideoAccess;
  /** Most videos one list answers with. */
  listLimit?: number;
}

const viewer = (user: User) => ({ id: user.id, role: user.role });

export function videoRoutes({ db, files, access, listLimit = 100 }: VideoRouteDeps): Router {
  const router = Router();

  /** The caller's own video (admins may manage anyone's); someone else's is "not found". */
  const own = async (res: Response, rawId: unknown): Promise<Video> => {
    const user = requireUser(res);
    const video = await db.videos.findById(parseOrThrow(Id, rawId, 'video id'));
    if (!video || !mayManageVideo(user, video)) throw notFound('video');
    return video;
  };

  router.get('/', handle(async (_req, res) => {
    const user = requireUser(res);
    const body: VideoListResponse = { videos: (await db.videos.listByOwner(user.id, listLimit)).map(videoView) };
    res.json(body);
  }));

  router.get('/:id', handle(async (req, res) => {
    const body: VideoResponse = { video: videoView(await own(res, req.params.id)) };
    res.json(body);
  }));

  router.patch('/:id', handle(async (req, res) => {
    const video = await own(res, req.params.id);
    const { title } = parseOrThrow(RenameVideoBody, req.body, 'video');
    const renamed = await db.videos.rename(video.id, title);
    if (!renamed) throw notFound('video');
    const body: VideoResponse = { video: videoView(renamed) };
    res.json(body);
  }));

  router.delete('/:id', handle(async (req, res) => {
    const video = await own(res, req.params.id);
    // Row first (its jobs go with it, so no worker commits into a removed folder), then files.
    await db.videos.delete(video.id);
    await files.remove(video.id);
    res.status(204).end();
  }));

  router.get('/:id/playable', handle(async (req, res) => {
    const user = requireUser(res);
    const body: PlayableResponse = { video: await playableVideo(db.videos, access, parseOrThrow(Id, req.params.id, 'video id'), viewer(user)) };
    res.json(body);
  }));

  router.get('/:id/files/:file', handle(async (req, res) => {
    const user = requireUser(res);
    const id = parseOrThrow(Id, req.params.id, 'video id');
    const file = String(req.params.file);
    // Not allowed, absent, or not one of its outputs (the source is never served): all "not found".
    const video = (await mayWatch(db.videos, access, id, viewer(user))) ? await db.videos.findById(id) : null;
    if (!video || !VideoFiles.servable(video).has(file)) throw notFound('video file');
    await new Promise<void>((resolve, reject) => {
      const stream = send(req, join(files.dir(id), file), { etag: true, lastModified: true, acceptRanges: true, cacheControl: false, dotfiles: 'deny' });
      stream.on('headers', (out: Response) => out.setHeader('Cache-Control', 'private, max-age=3600'));
      stream.on('error', (error: { status?: number; headers?: Record<string, string> }) => {
        if (error.status === 416) {
          // Range Not Satisfiable: say how long the file is, as RFC 9110 asks.
          res.status(416).set(error.headers ?? {}).end();
          resolve();
        } else reject(error.status === 404 ? notFound('video file') : new RoomcastError('internal', 'the file could not be read'));
      });
      stream.on('end', resolve);
      res.on('close', resolve);
      stream.pipe(res);
    });
  }));

  return router;
}
