import { VideoListResponse, VideoResponse, VIDEO_UPLOAD_EXTENSIONS, type VideoView } from '@roomcast/shared';
import { Upload } from 'tus-js-client';
import { ApiError } from './errors';
import { apiRequest, checked, errorFromResponse } from './http';

export const videosApi = {
  list: (signal?: AbortSignal) => checked(VideoListResponse, apiRequest('GET', '/api/videos', undefined, signal)),
  rename: (id: string, title: string) => checked(VideoResponse, apiRequest('PATCH', `/api/videos/${encodeURIComponent(id)}`, { title })),
  remove: (id: string) => apiRequest<void>('DELETE', `/api/videos/${encodeURIComponent(id)}`),
};

/** What the file picker offers: the containers the server takes (the content is checked there). */
export const VIDEO_ACCEPT = ['video/*', ...VIDEO_UPLOAD_EXTENSIONS.map((e) => `.${e}`)].join(',');

export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

export interface UploadHandlers {
  onProgress(sent: number, total: number): void;
  onDone(video: VideoView): void;
  onError(error: ApiError): void;
}

/**
 * Uploads a video over tus: resumable, so a dropped connection retries from where the server's
 * copy ends (and a reload finds the unfinished upload by the file's fingerprint).
 * @returns abort(), which stops it (the unfinished upload expires on the server).
 */
export function uploadVideo(file: File, handlers: UploadHandlers): { abort(): void } {
  const upload = new Upload(file, {
    endpoint: '/api/uploads',
    metadata: { filename: file.name },
    // Each PATCH carries at most this much: a dropped connection costs at most one chunk, and
    // proxies that cap request bodies let uploads through.
    chunkSize: UPLOAD_CHUNK_BYTES,
    retryDelays: [0, 1000, 3000, 5000, 10_000],
    removeFingerprintOnSuccess: true,
    // A refusal (not a video, too large, too many at once) will not change on retry.
    onShouldRetry: (error) => {
      const status = error.originalResponse?.getStatus() ?? 0;
      return status === 0 || status >= 500 || status === 423 || status === 409;
    },
    onProgress: handlers.onProgress,
    onSuccess: ({ lastResponse }) => {
      const parsed = VideoResponse.safeParse(JSON.parse(lastResponse.getBody() || 'null'));
      if (parsed.success) handlers.onDone(parsed.data.video);
      else handlers.onError(new ApiError('bad_response', 'the server did not say what became of the upload'));
    },
    onError: (error) => {
      const res = 'originalResponse' in error ? error.originalResponse : null;
      if (!res) return handlers.onError(new ApiError('network_error', 'the upload could not reach the server'));
      let body: unknown = null;
      try {
        body = JSON.parse(res.getBody());
      } catch {
        // not ours: the status decides
      }
      handlers.onError(errorFromResponse(res.getStatus(), body));
    },
  });
  void upload.findPreviousUploads().then((previous) => {
    if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  });
  return { abort: () => void upload.abort() };
}
