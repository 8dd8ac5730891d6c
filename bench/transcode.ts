/**
 * Transcode speed: a generated 1080p clip (testsrc2 + 440 Hz sine) through the pipeline the
 * queue runs — all renditions in one ffmpeg run, then poster and sprite — and each rendition
 * encoded alone. Prints output seconds per wall second per rendition ("× realtime"), the
 * figure that says how many hours of uploads one core set can process per hour.
 *
 *   pnpm bench:transcode [clip seconds = 20] [x264 preset = veryfast]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeArgs, planRenditions, transcode } from '@roomcast/signaling/transcode';

const seconds = Number(process.argv[2] ?? 20);
const preset = process.argv[3] ?? 'veryfast';
const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-bench-transcode-'));
const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);
const timed = async (fn: () => unknown) => {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
};

try {
  const source = path.join(dir, 'source.mp4');
  // A busy pattern (testsrc2 moves every frame) at a high bitrate, like a phone's upload.
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '12M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source,
  ]);
  const probe = { durationMs: seconds * 1000, width: 1920, height: 1080, hasAudio: true, format: 'mp4' };
  const sizes = planRenditions(probe);
  console.log(`source: 1920x1080 30 fps, ${seconds} s, ${(statSync(source).size / 1e6).toFixed(1)} MB; preset ${preset}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`);

  const rows: Array<{ what: string; wall: number; renditions: number }> = [];
  rows.push({ what: `pipeline (${sizes.map((s) => `${s.height}p`).join('+')}, poster, sprite)`, renditions: sizes.length, wall: await timed(() => transcode({ source, probe, dir, tag: 'bench', preset })) });
  for (const size of sizes) {
    const file = path.join(dir, `alone-${size.height}.mp4`);
    rows.push({ what: `${size.width}x${size.height} alone`, renditions: 1, wall: await timed(() => ffmpeg(encodeArgs(source, [{ size, file }], preset, true))) });
  }

  console.log('\n| encode | wall s | output s per wall s per rendition | × realtime (all renditions) |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.what} | ${row.wall.toFixed(2)} | ${(seconds / row.wall).toFixed(2)} | ${((seconds * row.renditions) / row.wall).toFixed(2)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
