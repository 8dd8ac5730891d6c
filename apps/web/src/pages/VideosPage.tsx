import { VideoProgressEvent, type VideoView } from '@roomcast/shared';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { toApiError, type ApiError } from '../api/errors';
import { connectSocket } from '../api/socket';
import { videosApi } from '../api/videos';
import { Alert } from '../components/Alert';
import { signInLink } from '../lib/next-path';
import { useSession } from '../stores/session';
import { VideoItem } from '../videos/VideoItem';
import { VideoUploader } from '../videos/VideoUploader';

/** "My videos": upload, watch processing live, rename, delete, start a party from a ready one. */
export function VideosPage() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const [videos, setVideos] = useState<VideoView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setVideos((await videosApi.list(signal)).videos);
      setError(null);
    } catch (raw) {
      if (!signal?.aborted) setError(toApiError(raw));
    }
  }, []);

  useEffect(() => {
    if (!user) return;
    const controller = new AbortController();
    void load(controller.signal);
    // Processing progress is pushed to every tab of the owner; a finished video is fetched whole.
    const socket = connectSocket();
    socket.on('video:progress', (raw) => {
      const event = VideoProgressEvent.safeParse(raw);
      if (!event.success) return;
      const { videoId, status: next, progress, error: why } = event.data;
      if (next === 'ready') void load();
      else setVideos((list) => list?.map((v) => (v.id === videoId ? { ...v, status: next, progress, error: why } : v)) ?? list);
    });
    return () => {
      controller.abort();
      socket.close();
    };
  }, [user?.id, load]);

  if (status === 'ready' && !user) {
    return (
      <>
        <h1>My videos</h1>
        <p className="muted"><Link to={signInLink('/videos')}>Sign in</Link> to upload videos and watch them with friends.</p>
      </>
    );
  }
  return (
    <>
      <h1>My videos</h1>
      <section className="panel" aria-label="Upload">
        <VideoUploader onUploaded={(video) => setVideos((list) => [video, ...(list ?? []).filter((v) => v.id !== video.id)])} />
      </section>
      {error && <Alert testId="videos-error">Could not load your videos: {error.message}</Alert>}
      {videos && videos.length === 0 && <p className="muted" data-testid="videos-empty">No videos yet: upload one above (mp4, webm, mkv or mov).</p>}
      {videos && videos.length > 0 && (
        <ul className="video-list" data-testid="video-list">
          {videos.map((video) => (
            <VideoItem
              key={video.id}
              video={video}
              onChanged={(changed) => setVideos((list) => list?.map((v) => (v.id === changed.id ? changed : v)) ?? list)}
              onRemoved={(id) => setVideos((list) => list?.filter((v) => v.id !== id) ?? list)}
            />
          ))}
        </ul>
      )}
    </>
  );
}
