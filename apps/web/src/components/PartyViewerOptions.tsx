import type { PlayableVideo } from '@roomcast/shared';
import { renditionLabel } from '../party/player-media';

/** This viewer's own choices (nobody else's player changes): quality and subtitles. */
export function PartyViewerOptions({
  video,
  renditionUrl,
  onRendition,
  subtitleId,
  onSubtitle,
}: {
  video: PlayableVideo;
  renditionUrl: string | undefined;
  onRendition(url: string): void;
  subtitleId: string | null;
  onSubtitle(id: string | null): void;
}) {
  return (
    <div className="controls" role="group" aria-label="Your player">
      {video.renditions.length > 1 && (
        <label className="small">
          Quality{' '}
          <select value={renditionUrl} onChange={(e) => onRendition(e.target.value)} data-testid="party-quality">
            {video.renditions.map((r) => (
              <option key={r.url} value={r.url}>
                {renditionLabel(r)}
              </option>
            ))}
          </select>
        </label>
      )}
      {video.subtitles.length > 0 && (
        <label className="small">
          Subtitles{' '}
          <select value={subtitleId ?? ''} onChange={(e) => onSubtitle(e.target.value || null)} data-testid="party-subtitles">
            <option value="">Off</option>
            {video.subtitles.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
