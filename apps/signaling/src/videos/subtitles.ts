// Subtitle tracks: an uploaded .vtt or .srt goes through ffmpeg (which reads both and writes
// WebVTT), so what is stored is always WebVTT a browser's <track> can load, or it is refused.
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { Router } from 'express';
import { mayManageVideo } from '../auth/policy.js';
import { Id, LIMITS, parseOrThrow, RoomcastError, SubtitleUploadQuery, type SubtitleResponse } from '@roomcast/shared';
import type { Database } from '../db/index.js';
import { shortId } from '../db/ids.js';
import { handle, requireUser } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { ffmpeg, FfmpegError } from './ffmpeg.js';
import type { VideoFiles } from './video-files.js';
import { playableView } from './video-store.js';

export const SUBTITLE_TYPES = ['text/vtt', 'application/x-subrip', 'text/plain'];

/** Converts `input` (WebVTT or SubRip, told apart by content) to WebVTT at `output`. */
export async function toWebVtt(text: string, input: string, output: string): Promise<void> {
  const format = text.replace(/^\uFEFF/, '').trimStart().startsWith('WEBVTT') ? 'webvtt' : 'srt';
  await writeFile(input, text);
  try {
    await ffmpeg(['-f', format, '-i', input, '-f', 'webvtt', output]);
  } catch (error) {
    if (error instanceof FfmpegError) throw new RoomcastError('unprocessable_media', 'not a subtitle file (upload WebVTT .vtt or SubRip .srt)');
    throw error;
  } finally {
    await rm(input, { force: true });
  }
  // ffmpeg writes a bare header for a file it read no cue from.
  if ((await stat(output)).size <= 'WEBVTT\n\n'.length) {
    await rm(output, { force: true });
    throw new RoomcastError('unprocessable_media', 'the subtitle file has no cues');
  }
}

/**
 * POST /api/videos/:id/subtitles?lang&label (raw .vtt/.srt body) and DELETE
 * /api/videos/:id/subtitles/:subtitleId — owner (or admin) only. Mounted before the API's
 * JSON-only guard: this body is text.
 */
export function subtitleRoutes({ db, files, before }: { db: Database; files: VideoFiles; /** Origin check and session, as the API's guards would. */ before: express.RequestHandler[] }): Router {
  const router = Router({ mergeParams: true });
  const own = async (res: express.Response, rawId: unknown) => {
    const user = requireUser(res);
    const video = await db.videos.findById(parseOrThrow(Id, rawId, 'video id'));
    if (!video || !mayManageVideo(user, video)) throw notFound('video');
    return video;
  };

  router.post('/:id/subtitles', ...before, express.text({ type: SUBTITLE_TYPES, limit: LIMITS.videos.subtitleBytes }), handle(async (req, res) => {
    const video = await own(res, req.params.id);
    const query = parseOrThrow(SubtitleUploadQuery, req.query, 'subtitle');
    if (typeof req.body !== 'string' || !req.body.trim()) {
      throw new RoomcastError('unsupported_media_type', `send the subtitle file as the body, with Content-Type ${SUBTITLE_TYPES.join(' or ')}`);
    }
    if (video.subtitles.length >= LIMITS.videos.subtitlesPerVideo) {
      throw new RoomcastError('limit_exceeded', `at most ${LIMITS.videos.subtitlesPerVideo} subtitle tracks per video`);
    }
    const id = shortId();
    const file = `sub-${id}.vtt`;
    const dir = files.dir(video.id);
    await toWebVtt(req.body, join(dir, `sub-${id}.upload`), join(dir, file));
    const subtitle = await db.videos.addSubtitle(video.id, { id, lang: query.lang, label: query.label, file });
    if (!subtitle) {
      await rm(join(dir, file), { force: true });
      throw notFound('video');
    }
    const view = playableView({ ...video, subtitles: [subtitle] }).subtitles[0]!;
    const body: SubtitleResponse = { subtitle: view };
    res.status(201).json(body);
  }));

  router.delete('/:id/subtitles/:subtitleId', ...before, handle(async (req, res) => {
    const video = await own(res, req.params.id);
    const removed = await db.videos.deleteSubtitle(video.id, parseOrThrow(Id, req.params.subtitleId, 'subtitle id'));
    if (!removed) throw notFound('subtitle');
    await rm(join(files.dir(video.id), removed.file), { force: true });
    res.status(204).end();
  }));

  return router;
}
