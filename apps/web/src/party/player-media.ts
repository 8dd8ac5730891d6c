import type { RenditionView } from '@roomcast/shared';

/**
 * The per-viewer side of the party player, as pure functions: which rendition plays, which
 * subtitle track shows, and which sprite cell previews a seek-bar position. None of it is the
 * party's business: two members may watch different qualities with different subtitles.
 */

export const renditionLabel = (r: RenditionView): string => `${r.height}p${r.container === 'mp4' ? '' : ` ${r.container.toUpperCase()}`}`;

/** The rendition with `url`, or the best one (renditions come best first). */
export const chooseRendition = (renditions: readonly RenditionView[], url: string | null): RenditionView | undefined =>
  renditions.find((r) => r.url === url) ?? renditions[0];

/** Shows the subtitle track whose id (the <track>'s id) is `chosen`, hides every other (null: none). */
export function showSubtitle(tracks: ArrayLike<Pick<TextTrack, 'id' | 'mode'>>, chosen: string | null): void {
  for (let i = 0; i < tracks.length; i++) {
    const track = tracks[i]!;
    track.mode = track.id === chosen ? 'showing' : 'disabled';
  }
}

/** One preview cell: shown for positions in [start, end) seconds, `url` being the sprite image. */
export interface ThumbCue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Cues a preview track may hold (a 24 h video at one preview per 2 s, with room). */
const MAX_CUES = 50_000;

const seconds = (stamp: string): number | null => {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d{1,3})?)$/.exec(stamp.trim());
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
};

/**
 * The cues of a thumbnails WebVTT (`start --> end` then `sprite.jpg#xywh=x,y,w,h`), their
 * image URLs resolved against the VTT's own URL. Anything malformed is skipped, never thrown.
 */
export function parseThumbnails(vtt: string, vttUrl: string): ThumbCue[] {
  const cues: ThumbCue[] = [];
  const lines = vtt.split(/\r?\n/);
  for (let i = 0; i < lines.length - 1 && cues.length < MAX_CUES; i++) {
    const times = lines[i]!.split('-->');
    if (times.length !== 2) continue;
    const start = seconds(times[0]!);
    const end = seconds(times[1]!.trim().split(/\s+/)[0] ?? '');
    const target = /^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(lines[i + 1]!.trim());
    if (start === null || end === null || !target || end <= start) continue;
    let url: string;
    try {
      url = new URL(target[1]!, new URL(vttUrl, 'http://relative.invalid')).href.replace(/^http:\/\/relative\.invalid/, '');
    } catch {
      continue;
    }
    cues.push({ start, end, url, x: Number(target[2]), y: Number(target[3]), w: Number(target[4]), h: Number(target[5]) });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue previewing position `t` (seconds): binary search over cues sorted by start. */
export function thumbnailAt(cues: readonly ThumbCue[], t: number): ThumbCue | undefined {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const cue = cues[mid]!;
    if (t < cue.start) hi = mid - 1;
    else if (t >= cue.end) lo = mid + 1;
    else return cue;
  }
  return undefined;
}
