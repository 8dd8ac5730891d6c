// A minimal, separable file route for videos: HTTP ranges, ETag and conditional requests by
// `send`, each request checked by mayWatch. The videos side may replace this file wholesale.
import path from 'node:path';
import { Router } from 'express';
import send from 'send';
import { Id, parseOrThrow, z } from '@roomcast/shared';
import { handle, requireUser } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { mayWatch, type VideoAccess, type VideoStore } from './video-store.js';

/** Plain file names only: nothing that could climb out of the video's folder. */
const FileName = z.string().max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);

/** Where a video's files live: `<dir>/<videoId>/<file>`. */
export const videoFolder = (videosDir: string, videoId: string): string => path.join(videosDir, videoId);

export function videoFileRoute(videos: VideoStore, access: VideoAccess, videosDir: string): Router {
  const router = Router();
  router.get(
    '/:id/files/:file',
    handle(async (req, res) => {
      const user = requireUser(res);
      const id = parseOrThrow(Id, req.params.id, 'video id');
      const file = parseOrThrow(FileName, req.params.file, 'file name');
      if (!(await mayWatch(videos, access, id, user))) throw notFound('video');
      await new Promise<void>((resolve, reject) => {
        send(req, path.join(videoFolder(videosDir, id), file), { dotfiles: 'deny', maxAge: 0 })
          // Range and precondition failures (416, 412) keep send's status and headers.
          .on('error', (error: { status?: number; headers?: Record<string, string> }) => {
            if (error.status === 404 || error.status === undefined) return reject(notFound('file'));
            res.status(error.status).set(error.headers ?? {}).end();
            resolve();
          })
          .on('end', resolve)
          .pipe(res);
        res.on('close', resolve);
      });
    }),
  );
  return router;
}
