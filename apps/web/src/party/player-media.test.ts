import { describe, expect, it } from 'vitest';
import type { RenditionView } from '@roomcast/shared';
import { chooseRendition, parseThumbnails, renditionLabel, showSubtitle, thumbnailAt } from './player-media';

const rendition = (height: number, container: 'mp4' | 'webm' = 'mp4'): RenditionView => ({
  container,
  width: Math.round((height * 16) / 9),
  height,
  bytes: 1,
  url: `/api/videos/v1/files/${height}.${container}`,
  mimeType: `video/${container}`,
});

describe('the party player, per viewer', () => {
  it('plays the chosen rendition, or the best one when none (or a gone one) is chosen', () => {
    const all = [rendition(720), rendition(480), rendition(720, 'webm')];
    expect(chooseRendition(all, null)).toBe(all[0]);
    expect(chooseRendition(all, all[1]!.url)).toBe(all[1]);
    expect(chooseRendition(all, '/gone.mp4')).toBe(all[0]);
    expect(all.map(renditionLabel)).toEqual(['720p', '480p', '720p WEBM']);
  });

  it('shows the one chosen subtitle track and hides the others (none: all hidden)', () => {
    const tracks = [{ id: 's1', mode: 'showing' as TextTrackMode }, { id: 's2', mode: 'disabled' as TextTrackMode }];
    showSubtitle(tracks, 's2');
    expect(tracks.map((t) => t.mode)).toEqual(['disabled', 'showing']);
    showSubtitle(tracks, null);
    expect(tracks.map((t) => t.mode)).toEqual(['disabled', 'disabled']);
  });

  it('reads the seek-bar previews the transcoder writes and finds the cell for a position', () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:02.000',
      'sprite-a1.jpg#xywh=0,0,160,90',
      '',
      '00:00:02.000 --> 00:00:04.000',
      'sprite-a1.jpg#xywh=160,0,160,90',
      '',
      '01:00:04.000 --> 00:00:03.000',
      'backwards.jpg#xywh=0,0,1,1',
      '',
      '00:00:04.000 --> 00:00:06.000',
      'not a target',
      '',
    ].join('\n');
    const cues = parseThumbnails(vtt, '/api/videos/v1/files/thumbnails.vtt');
    expect(cues).toEqual([
      { start: 0, end: 2, url: '/api/videos/v1/files/sprite-a1.jpg', x: 0, y: 0, w: 160, h: 90 },
      { start: 2, end: 4, url: '/api/videos/v1/files/sprite-a1.jpg', x: 160, y: 0, w: 160, h: 90 },
    ]);
    expect(thumbnailAt(cues, 0)?.x).toBe(0);
    expect(thumbnailAt(cues, 3.9)?.x).toBe(160);
    expect(thumbnailAt(cues, 4)).toBeUndefined();
    expect(thumbnailAt([], 1)).toBeUndefined();
    expect(parseThumbnails('garbage', '/x.vtt')).toEqual([]);
  });
});
