// The rendition ladder and seek-bar sprite plans (pure).
import { describe, expect, it } from 'vitest';
import { planRenditions, planSprite, thumbnailsVtt } from './transcode.js';

describe('planRenditions', () => {
  it('caps at 1080p and adds each rung below, never above the source', () => {
    const heights = (width: number, height: number) => planRenditions({ width, height }).map((s) => `${s.width}x${s.height}`);
    expect(heights(3840, 2160)).toEqual(['1920x1080', '1280x720', '854x480']);
    expect(heights(1920, 1080)).toEqual(['1920x1080', '1280x720', '854x480']);
    expect(heights(1280, 720)).toEqual(['1280x720', '854x480']);
    expect(heights(1000, 600)).toEqual(['1000x600', '800x480']);
    expect(heights(640, 360)).toEqual(['640x360']);
    expect(heights(321, 241)).toEqual(['320x240']); // even sizes, as H.264 4:2:0 needs
    // Portrait: the short side is the "p".
    expect(heights(1080, 1920)).toEqual(['1080x1920', '720x1280', '480x854']);
  });
});

describe('seek-bar sprite', () => {
  it('takes a frame a second for short videos and at most 100 frames, rows of 10', () => {
    expect(planSprite(4_500, { width: 1280, height: 720 })).toMatchObject({ interval: 1, count: 5, cols: 5, rows: 1, thumbHeight: 90 });
    expect(planSprite(3_600_000, { width: 1920, height: 1080 })).toMatchObject({ interval: 36, count: 100, cols: 10, rows: 10 });
  });

  it('writes WebVTT cues pointing into the sprite, the last one ending with the video', () => {
    const plan = planSprite(12_500, { width: 640, height: 360 });
    const vtt = thumbnailsVtt('sprite.jpg', 12_500, plan);
    expect(vtt.startsWith('WEBVTT\n')).toBe(true);
    expect(vtt).toContain('00:00:00.000 --> 00:00:01.000\nsprite.jpg#xywh=0,0,160,90');
    expect(vtt).toContain('00:00:10.000 --> 00:00:11.000\nsprite.jpg#xywh=0,90,160,90');
    expect(vtt).toContain('00:00:12.000 --> 00:00:12.500\nsprite.jpg#xywh=320,90,160,90');
  });
});
