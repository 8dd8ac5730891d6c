import { newPartyPath, type VideoView } from '@roomcast/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { toApiError } from '../api/errors';
import { videosApi } from '../api/videos';

const STATUS_TEXT: Record<VideoView['status'], string> = {
  queued: 'Waiting to be processed',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Could not be processed',
};

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** One of my videos: poster, title (renamable), processing state, delete, start a party. */
export function VideoItem({ video, onChanged, onRemoved }: { video: VideoView; onChanged(video: VideoView): void; onRemoved(id: string): void }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(video.title);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function act(action: () => Promise<void>) {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (raw) {
      setProblem(toApiError(raw).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="video-item" data-testid="video-item" data-video-id={video.id} data-status={video.status}>
      {video.posterUrl ? <img className="video-poster" src={video.posterUrl} alt="" loading="lazy" /> : <div className="video-poster" aria-hidden="true" />}
      <div className="video-body">
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                onChanged((await videosApi.rename(video.id, title)).video);
                setEditing(false);
              });
            }}
          >
            <input value={title} onChange={(e) => setTitle(e.target.value)} aria-label="Title" maxLength={120} required data-testid="video-title-input" />
            <button type="submit" className="button" disabled={busy}>Save</button>
            <button type="button" className="button button-quiet" onClick={() => setEditing(false)}>Cancel</button>
          </form>
        ) : (
          <h3 className="video-title" data-testid="video-title">{video.title}</h3>
        )}
        <p className="muted small">
          <span data-testid="video-status">{STATUS_TEXT[video.status]}</span>
          {video.status === 'processing' && ` · ${video.progress}%`}
          {video.status === 'ready' && ` · ${duration(video.durationMs)} · ${video.width}×${video.height}`}
        </p>
        {(video.status === 'queued' || video.status === 'processing') && (
          <progress max={100} value={video.progress} aria-label={`Processing ${video.title}`} data-testid="video-progress" />
        )}
        {video.status === 'failed' && video.error && <p className="muted small">{video.error}</p>}
        {problem && <p className="alert alert-error" role="alert">{problem}</p>}
        <div className="video-actions">
          {video.status === 'ready' && <Link to={newPartyPath(video.id)} className="button">Start a watch party</Link>}
          {!editing && <button type="button" className="button button-quiet" onClick={() => { setTitle(video.title); setEditing(true); }}>Rename</button>}
          <button
            type="button"
            className="button button-quiet"
            disabled={busy}
            data-testid="video-delete"
            onClick={() => {
              if (window.confirm(`Delete “${video.title}” and its files?`)) void act(async () => {
                await videosApi.remove(video.id);
                onRemoved(video.id);
              });
            }}
          >
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}
