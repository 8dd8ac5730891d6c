import type { VideoView } from '@roomcast/shared';
import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/errors';
import { uploadVideo, VIDEO_ACCEPT } from '../api/videos';
import { Alert } from '../components/Alert';

interface Sending {
  name: string;
  sent: number;
  total: number;
}

/** Picks a video file and sends it over tus with a progress bar; the new video goes to `onUploaded`. */
export function VideoUploader({ onUploaded }: { onUploaded(video: VideoView): void }) {
  const [sending, setSending] = useState<Sending | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const current = useRef<{ abort(): void } | null>(null);
  useEffect(() => () => current.current?.abort(), []);

  function start(file: File) {
    setError(null);
    setSending({ name: file.name, sent: 0, total: file.size });
    current.current = uploadVideo(file, {
      onProgress: (sent, total) => setSending({ name: file.name, sent, total }),
      onDone: (video) => {
        setSending(null);
        onUploaded(video);
      },
      onError: (failure) => {
        setSending(null);
        setError(failure);
      },
    });
  }

  const percent = sending && sending.total > 0 ? Math.floor((sending.sent / sending.total) * 100) : 0;
  return (
    <div className="video-upload">
      <label className="button">
        Upload a video
        <input
          type="file"
          accept={VIDEO_ACCEPT}
          className="visually-hidden"
          data-testid="video-file"
          disabled={sending !== null}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file) start(file);
          }}
        />
      </label>
      {sending && (
        <div className="upload-progress" data-testid="upload-progress">
          <span>Uploading {sending.name}</span>
          <progress max={100} value={percent} aria-label={`Upload of ${sending.name}`} />
          <span>{percent}%</span>
          <button type="button" className="button button-quiet" onClick={() => { current.current?.abort(); setSending(null); }}>
            Cancel
          </button>
        </div>
      )}
      {error && <Alert testId="upload-error">The upload was refused: {error.message}</Alert>}
    </div>
  );
}
