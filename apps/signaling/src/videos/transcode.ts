// One transcode: a source file in, renditions + poster + seek-bar sprite out, with ffmpeg.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RENDITION_LADDER, type VideoContainer } from '@roomcast/shared';
import { ffmpeg, type Probe } from './ffmpeg.js';
import type { Rendition, TranscodeOutput } from './video-store.js';

export interface Size {
  width: number;
  height: number;
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
/** Rounded to even (H.264 4:2:0 needs it) but never past the source's own (even-floored) size. */
const evenWithin = (n: number, limit: number) => Math.min(even(n), Math.max(2, 2 * Math.floor(limit / 2)));

/**
 * The renditions for a source: its short side capped at the top of the ladder, then each rung
 * below that. Never upscaled: a 360p source gets one 360p rendition. The short side is the "p",
 * so a portrait phone video gets the same rungs as a landscape one.
 */
export function planRenditions(source: Size): Size[] {
  const short = Math.min(source.width, source.height);
  const top = Math.min(short, RENDITION_LADDER[0]);
  const rungs = [top, ...RENDITION_LADDER.filter((h) => h < top)];
  return rungs.map((p) => {
    const scale = p / short;
    return { width: evenWithin(source.width * scale, source.width), height: evenWithin(source.height * scale, source.height) };
  });
}

/** Seek-bar previews: one frame every `interval` seconds, at most 100, tiled in rows of 10. */
export type SpritePlan = ReturnType<typeof planSprite>;

export function planSprite(durationMs: number, source: Size, thumbWidth = 160) {
  const seconds = durationMs / 1000;
  const interval = Math.max(1, Math.ceil(seconds / 100));
  const count = Math.max(1, Math.ceil(seconds / interval));
  const cols = Math.min(10, count);
  const rows = Math.ceil(count / cols);
  const thumbHeight = even((thumbWidth * source.height) / source.width);
  return { interval, count, cols, rows, thumbWidth, thumbHeight };
}

const stamp = (ms: number) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
};

/** The WebVTT whose cues point into the sprite (`sprite.jpg#xywh=x,y,w,h`), as players expect. */
export function thumbnailsVtt(sprite: string, durationMs: number, plan: SpritePlan): string {
  const cues: string[] = ['WEBVTT', ''];
  for (let i = 0; i < plan.count; i++) {
    const start = i * plan.interval * 1000;
    const end = Math.min(durationMs, (i + 1) * plan.interval * 1000);
    const x = (i % plan.cols) * plan.thumbWidth;
    const y = Math.floor(i / plan.cols) * plan.thumbHeight;
    cues.push(`${stamp(start)} --> ${stamp(end)}`, `${sprite}#xywh=${x},${y},${plan.thumbWidth},${plan.thumbHeight}`, '');
  }
  return cues.join('\n');
}

/**
 * ffmpeg arguments encoding every rendition in one run (one decode, split to each size) as
 * H.264/AAC MP4 with +faststart and a keyframe every 2 s (seeking lands close); with `sprite`,
 * the seek-bar sprite comes from the same decode instead of a second pass over the source.
 */
export function encodeArgs(
  source: string,
  outputs: Array<{ size: Size; file: string; container?: VideoContainer }>,
  preset: string,
  hasAudio: boolean,
  sprite?: { file: string; plan: SpritePlan },
): string[] {
  const branches = outputs.length + (sprite ? 1 : 0);
  const graph = [`[0:v]split=${branches}${Array.from({ length: branches }, (_, i) => `[s${i}]`).join('')}`]
    .concat(outputs.map(({ size }, i) => `[s${i}]scale=${size.width}:${size.height},setsar=1,format=yuv420p[o${i}]`))
    .concat(sprite ? [`[s${outputs.length}]fps=1/${sprite.plan.interval},scale=${sprite.plan.thumbWidth}:${sprite.plan.thumbHeight},tile=${sprite.plan.cols}x${sprite.plan.rows}[sprite]`] : [])
    .join(';');
  return ['-i', source, '-filter_complex', graph, ...outputs.flatMap(({ file, container = 'mp4' }, i) => [
    '-map', `[o${i}]`, ...(hasAudio ? ['-map', '0:a:0'] : []),
    ...(container === 'mp4' ? h264(preset, hasAudio) : vp9(preset, hasAudio)),
    '-force_key_frames', 'expr:gte(t,n_forced*2)', '-sn', '-dn', file,
  ]), ...(sprite ? ['-map', '[sprite]', '-frames:v', '1', '-q:v', '5', '-update', '1', sprite.file] : [])];
}

const h264 = (preset: string, hasAudio: boolean) => [
  '-c:v', 'libx264', '-preset', preset, '-crf', '23', '-profile:v', 'high',
  ...(hasAudio ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
  '-movflags', '+faststart',
];

/** VP9 has no x264 presets: the fastest two map to its realtime mode, the rest to "good". */
const vp9 = (preset: string, hasAudio: boolean) => [
  '-c:v', 'libvpx-vp9', '-crf', '33', '-b:v', '0', '-row-mt', '1',
  ...(['ultrafast', 'superfast'].includes(preset) ? ['-deadline', 'realtime', '-cpu-used', '8'] : ['-deadline', 'good', '-cpu-used', '4']),
  ...(hasAudio ? ['-c:a', 'libopus', '-b:a', '96k', '-ac', '2'] : []),
];

export interface TranscodeInput {
  source: string;
  probe: Probe;
  /** The video's folder: outputs are written here, named with `tag` so attempts never collide. */
  dir: string;
  tag: string;
  preset: string;
  /** Also VP9/Opus WebM renditions of the same sizes (TRANSCODE_WEBM). */
  webm?: boolean;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** Encodes the renditions and the seek-bar sprite (encodeArgs), then the poster. */
export async function transcode(input: TranscodeInput): Promise<TranscodeOutput> {
  const { probe, dir, tag } = input;
  const containers: VideoContainer[] = input.webm ? ['mp4', 'webm'] : ['mp4'];
  const planned = containers.flatMap((container) =>
    planRenditions(probe).map((size) => ({ container, size, name: `${Math.min(size.width, size.height)}p-${tag}.${container}` })),
  );
  const sprite = `sprite-${tag}.jpg`;
  const plan = planSprite(probe.durationMs, probe);
  const opts = { durationMs: probe.durationMs, ...(input.onProgress ? { onProgress: (f: number) => input.onProgress!(f * 0.98) } : {}), ...(input.signal ? { signal: input.signal } : {}) };
  const outputs = planned.map((p) => ({ size: p.size, container: p.container, file: join(dir, p.name) }));
  await ffmpeg(encodeArgs(input.source, outputs, input.preset, probe.hasAudio, { file: join(dir, sprite), plan }), opts);

  const poster = `poster-${tag}.jpg`;
  const posterAt = Math.min(probe.durationMs * 0.1, 10_000) / 1000;
  await ffmpeg(['-ss', posterAt.toFixed(3), '-i', input.source, '-frames:v', '1', '-vf', "scale=-2:'min(720,ih)'", '-q:v', '3', join(dir, poster)], input.signal ? { signal: input.signal } : {});
  const thumbnails = `thumbnails-${tag}.vtt`;
  await writeFile(join(dir, thumbnails), thumbnailsVtt(sprite, probe.durationMs, plan));
  input.onProgress?.(1);

  const renditions: Rendition[] = await Promise.all(
    planned.map(async (p) => ({ container: p.container, width: p.size.width, height: p.size.height, file: p.name, bytes: (await stat(join(dir, p.name))).size })),
  );
  return { renditions, poster, sprite, thumbnails };
}
