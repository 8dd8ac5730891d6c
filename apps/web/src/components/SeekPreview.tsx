import { useEffect, useState, type ReactNode, type PointerEvent } from 'react';
import { parseThumbnails, thumbnailAt, type ThumbCue } from '../party/player-media';

/** The preview cues of a video's thumbnails track (empty while loading, or when there is none). */
function useThumbnails(url: string | null): ThumbCue[] {
  const [cues, setCues] = useState<ThumbCue[]>([]);
  useEffect(() => {
    setCues([]);
    if (!url) return;
    const controller = new AbortController();
    fetch(url, { signal: controller.signal })
      .then((res) => (res.ok ? res.text() : ''))
      .then((text) => setCues(parseThumbnails(text, url)))
      .catch(() => undefined); // no previews is fine: the seek bar still works
    return () => controller.abort();
  }, [url]);
  return cues;
}

/**
 * Wraps the seek bar: while the pointer is over it, the sprite cell of the position under the
 * pointer shows above it (the transcoder's `thumbnails.vtt` and sprite).
 */
export function SeekPreview({ thumbnailsUrl, durationS, children }: { thumbnailsUrl: string | null; durationS: number; children: ReactNode }) {
  const cues = useThumbnails(thumbnailsUrl);
  const [hover, setHover] = useState<{ left: number; cue: ThumbCue } | null>(null);
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const share = rect.width > 0 ? Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) : 0;
    const cue = thumbnailAt(cues, share * durationS);
    setHover(cue ? { left: e.clientX - rect.left, cue } : null);
  };
  return (
    <div className="seek-preview" style={{ position: 'relative', flex: 1, display: 'flex' }} onPointerMove={onMove} onPointerLeave={() => setHover(null)}>
      {children}
      {hover && (
        <div
          data-testid="party-seek-preview"
          data-start={hover.cue.start}
          aria-hidden
          style={{
            position: 'absolute',
            bottom: '100%',
            left: Math.max(0, hover.left - hover.cue.w / 2),
            width: hover.cue.w,
            height: hover.cue.h,
            backgroundImage: `url("${hover.cue.url}")`,
            backgroundPosition: `-${hover.cue.x}px -${hover.cue.y}px`,
            pointerEvents: 'none',
          }}
        />
      )}
    </div>
  );
}
