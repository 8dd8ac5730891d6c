// Videos: the persistence interface, and the one question the watch party asks.
//
// FOR THE PARTY SIDE — the whole contract is:
//
//   playableVideo(videos: VideoStore, access: VideoAccess, videoId: string, viewer: Viewer): Promise<PlayableVideo>
//
//   Resolves with the video's title, duration, poster, seek-bar thumbnails, playable rendition
//   URLs (best first) and subtitles when `viewer` may watch it and it is `ready`. Throws
//   RoomcastError `not_found` when there is no such video or the viewer may not watch it (the two
//   are indistinguishable on purpose) and `conflict` while it is still processing or failed.
//   A viewer may watch: its owner; an admin; anyone `access.partyAllows(userId, videoId)` says
//   is in a party playing it.
//
//   mayWatch(videos, access, videoId, viewer): Promise<boolean> — the same check, no throw; the
//   file route (`GET /api/videos/:id/files/:file`) uses it for every request.
//
//   The party side implements `VideoAccess` (membership lives there) and hands it to App through
//   `AppOptions.videoAccess` (default: nobody but owner and admins).
//
// The store is async and interface-first like the other stores (db/types.ts): a second
// signaling instance or the transcoder process reach the same rows through it.
import { RoomcastError, VIDEO_MIME, videoFileUrl, type PlayableVideo, type VideoContainer, type VideoStatus, type VideoView } from '@roomcast/shared';
import { mayManageVideo } from '../auth/policy.js';

export interface Rendition {
  container: VideoContainer;
  width: number;
  height: number;
  /** File name inside the video's folder. */
  file: string;
  bytes: number;
}

export interface Subtitle {
  id: string;
  lang: string;
  label: string;
  /** WebVTT file name inside the video's folder. */
  file: string;
  createdAt: Date;
}

export interface Video {
  id: string;
  ownerId: string;
  title: string;
  status: VideoStatus;
  progress: number;
  error: string | null;
  sourceName: string;
  sourceBytes: number;
  durationMs: number;
  width: number;
  height: number;
  hasAudio: boolean;
  poster: string | null;
  sprite: string | null;
  thumbnails: string | null;
  createdAt: Date;
  updatedAt: Date;
  renditions: Rendition[];
  subtitles: Subtitle[];
}

/** The id is chosen by the caller, so the upload's folder can be named before the row exists. */
export type NewVideo = Pick<Video, 'id' | 'ownerId' | 'title' | 'sourceName' | 'sourceBytes' | 'durationMs' | 'width' | 'height' | 'hasAudio'>;

/** What a finished transcode leaves: the video becomes `ready` with exactly these files. */
export interface TranscodeOutput {
  renditions: Rendition[];
  poster: string | null;
  sprite: string | null;
  thumbnails: string | null;
}

export interface VideoStore {
  create(input: NewVideo): Promise<Video>;
  findById(id: string): Promise<Video | null>;
  /** The owner's videos, newest first. */
  listByOwner(ownerId: string, limit?: number): Promise<Video[]>;
  countByOwner(ownerId: string): Promise<number>;
  /** @returns null when absent. */
  rename(id: string, title: string): Promise<Video | null>;
  /** Deletes the row with its renditions, subtitles and jobs (cascade). @returns false when absent. */
  delete(id: string): Promise<boolean>;
  /** Progress of processing; a `failed` status carries the error. @returns false when absent. */
  setProgress(id: string, status: VideoStatus, progress: number, error?: string | null): Promise<boolean>;
  /** Marks the video ready with these outputs (replacing earlier ones). @returns null when absent. */
  finish(id: string, output: TranscodeOutput): Promise<Video | null>;
  /** @returns null when the video is absent. */
  addSubtitle(videoId: string, subtitle: Omit<Subtitle, 'createdAt'>): Promise<Subtitle | null>;
  /** @returns the removed subtitle (its file is the caller's to delete), or null. */
  deleteSubtitle(videoId: string, subtitleId: string): Promise<Subtitle | null>;
}

/** Who asks to watch. */
export interface Viewer {
  id: string;
  role: 'listener' | 'broadcaster' | 'admin';
}

/** Implemented by the party side: whether a person is in a party now playing (or queueing) a video. */
export interface VideoAccess {
  partyAllows(userId: string, videoId: string): Promise<boolean>;
}

/** Until a party side is wired: owners and admins only. */
export const ownersOnly: VideoAccess = { partyAllows: async () => false };


export async function mayWatch(videos: VideoStore, access: VideoAccess, videoId: string, viewer: Viewer): Promise<boolean> {
  const video = await videos.findById(videoId);
  return video !== null && (mayManageVideo(viewer, video) || (await access.partyAllows(viewer.id, videoId)));
}

export async function playableVideo(videos: VideoStore, access: VideoAccess, videoId: string, viewer: Viewer): Promise<PlayableVideo> {
  const video = await videos.findById(videoId);
  if (!video || !(mayManageVideo(viewer, video) || (await access.partyAllows(viewer.id, videoId)))) {
    throw new RoomcastError('not_found', 'no such video');
  }
  if (video.status !== 'ready') {
    throw new RoomcastError('conflict', video.status === 'failed' ? 'this video could not be processed' : 'this video is still being processed');
  }
  return playableView(video);
}

const byQuality = (a: Rendition, b: Rendition) =>
  a.container === b.container ? b.height - a.height : a.container === 'mp4' ? -1 : 1;

export function playableView(video: Video): PlayableVideo {
  const url = (file: string | null) => (file ? videoFileUrl(video.id, file) : null);
  return {
    id: video.id,
    title: video.title,
    durationMs: video.durationMs,
    width: video.width,
    height: video.height,
    posterUrl: url(video.poster),
    thumbnailsUrl: url(video.thumbnails),
    renditions: [...video.renditions].sort(byQuality).map((r) => ({
      container: r.container,
      width: r.width,
      height: r.height,
      bytes: r.bytes,
      url: videoFileUrl(video.id, r.file),
      mimeType: VIDEO_MIME[r.container],
    })),
    subtitles: video.subtitles.map((s) => ({ id: s.id, lang: s.lang, label: s.label, url: videoFileUrl(video.id, s.file) })),
  };
}

/** The owner's view ("My videos"). */
export function videoView(video: Video): VideoView {
  return {
    ...playableView(video),
    ownerId: video.ownerId,
    status: video.status,
    progress: video.progress,
    error: video.error,
    sourceName: video.sourceName,
    sourceBytes: video.sourceBytes,
    createdAt: video.createdAt.toISOString(),
    updatedAt: video.updatedAt.toISOString(),
  };
}
