import { z } from 'zod';
import { Id } from './common.js';
import { LIMITS } from './limits.js';

/**
 * Videos for watch parties: what the HTTP API (`/api/videos`), the tus upload endpoint
 * (`/api/uploads`) and the progress event (socket.io `video:progress`, to the owner) carry.
 *
 * Life of a video: uploaded with tus → probed with ffprobe (refused and deleted if it is not a
 * playable video) → `queued` → `processing` (progress 0..100, pushed live) → `ready` (renditions,
 * poster, seek-bar sprite) or `failed` (with the ffmpeg error). Files are served from
 * `videoFileUrl(id, file)` with HTTP range semantics, only to people allowed to watch.
 */

export const VideoStatus = z.enum(['queued', 'processing', 'ready', 'failed']);
export type VideoStatus = z.infer<typeof VideoStatus>;

/** `mp4`: H.264/AAC with +faststart (plays everywhere). `webm`: VP9/Opus, when enabled in config. */
export const VideoContainer = z.enum(['mp4', 'webm']);
export type VideoContainer = z.infer<typeof VideoContainer>;

/** The MIME type of each container, for `<source type>` and the served Content-Type. */
export const VIDEO_MIME: Record<VideoContainer, string> = {
  mp4: 'video/mp4; codecs="avc1.640028, mp4a.40.2"',
  webm: 'video/webm; codecs="vp9, opus"',
};

/** The ladder of rendition heights: the source capped at the first, then each one below it. Never upscaled. */
export const RENDITION_LADDER = [1080, 720, 480] as const;

/** The file extensions an upload may have (the content is what ffprobe says, not the name). */
export const VIDEO_UPLOAD_EXTENSIONS = ['mp4', 'm4v', 'webm', 'mkv', 'mov'] as const;

export const VideoTitle = z
  .string()
  .trim()
  .min(LIMITS.videos.title.min, 'title is required')
  .max(LIMITS.videos.title.max, `title is at most ${LIMITS.videos.title.max} characters`);

/** A BCP 47 language tag, e.g. `en`, `pt-BR`, `zh-Hant`. */
export const SubtitleLang = z
  .string()
  .trim()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or pt-BR');

export const SubtitleLabel = z.string().trim().min(LIMITS.videos.subtitleLabel.min).max(LIMITS.videos.subtitleLabel.max);

export const RenditionView = z.object({
  container: VideoContainer,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  /** Same-origin path; the session cookie (or party membership) authorises it. */
  url: z.string(),
  mimeType: z.string(),
});
export type RenditionView = z.infer<typeof RenditionView>;

export const SubtitleView = z.object({
  id: Id,
  lang: z.string(),
  label: z.string(),
  /** WebVTT (an uploaded .srt is converted). */
  url: z.string(),
});
export type SubtitleView = z.infer<typeof SubtitleView>;

/** What a party plays: everything a player needs, nothing about the owner's library. */
export const PlayableVideo = z.object({
  id: Id,
  title: z.string(),
  durationMs: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  posterUrl: z.string().nullable(),
  /** WebVTT whose cues point into the sprite image (`sprite.jpg#xywh=x,y,w,h`): seek-bar previews. */
  thumbnailsUrl: z.string().nullable(),
  /** Best first: mp4 renditions from the tallest down, then webm ones. */
  renditions: z.array(RenditionView),
  subtitles: z.array(SubtitleView),
});
export type PlayableVideo = z.infer<typeof PlayableVideo>;

/** A video as its owner sees it in "My videos". */
export const VideoView = PlayableVideo.extend({
  ownerId: z.string(),
  status: VideoStatus,
  /** 0..100 while queued or processing; 100 when ready. */
  progress: z.number().int().min(0).max(100),
  /** Why processing failed, in ffmpeg's words; null otherwise. */
  error: z.string().nullable(),
  sourceName: z.string(),
  sourceBytes: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VideoView = z.infer<typeof VideoView>;

/** GET /api/videos (the caller's own, newest first). */
export const VideoListResponse = z.object({ videos: z.array(VideoView) });
export type VideoListResponse = z.infer<typeof VideoListResponse>;

/** GET /api/videos/:id, PATCH /api/videos/:id, and the body of the tus upload's last response. */
export const VideoResponse = z.object({ video: VideoView });
export type VideoResponse = z.infer<typeof VideoResponse>;

/** GET /api/videos/:id/playable — for anyone allowed to watch (owner, or a party playing it). */
export const PlayableResponse = z.object({ video: PlayableVideo });
export type PlayableResponse = z.infer<typeof PlayableResponse>;

/** PATCH /api/videos/:id */
export const RenameVideoBody = z.object({ title: VideoTitle });
export type RenameVideoBody = z.input<typeof RenameVideoBody>;

/**
 * POST /api/videos/:id/subtitles?lang=en&label=English — the body is the raw file (.vtt or
 * .srt, UTF-8, at most LIMITS.videos.subtitleBytes), Content-Type `text/vtt`,
 * `application/x-subrip` or `text/plain`. Answers `{ subtitle }` (201).
 */
export const SubtitleUploadQuery = z.object({ lang: SubtitleLang, label: SubtitleLabel });
export type SubtitleUploadQuery = z.infer<typeof SubtitleUploadQuery>;
export const SubtitleResponse = z.object({ subtitle: SubtitleView });
export type SubtitleResponse = z.infer<typeof SubtitleResponse>;

/**
 * tus `Upload-Metadata` of POST /api/uploads (tus-js-client `metadata`): the file's name
 * (its extension must be one of VIDEO_UPLOAD_EXTENSIONS) and an optional title (defaults to the
 * name without its extension).
 */
export const UploadMetadata = z.object({
  filename: z.string().trim().min(1, 'filename is required').max(LIMITS.videos.sourceName.max),
  title: VideoTitle.optional(),
});
export type UploadMetadata = z.infer<typeof UploadMetadata>;

/** socket.io `video:progress`: pushed to every connection of the video's owner as processing moves on. */
export const VideoProgressEvent = z.object({
  videoId: Id,
  status: VideoStatus,
  progress: z.number().int().min(0).max(100),
  error: z.string().nullable(),
});
export type VideoProgressEvent = z.infer<typeof VideoProgressEvent>;

/** Where a video's file is served (renditions, poster, sprite, thumbnails.vtt, subtitles). */
export const videoFileUrl = (videoId: string, file: string): string =>
  `/api/videos/${encodeURIComponent(videoId)}/files/${encodeURIComponent(file)}`;

/** The page that starts a party from a ready video (built by the party side). */
export const newPartyPath = (videoId: string): string => `/party/new?video=${encodeURIComponent(videoId)}`;
