/**
 * Transcode speed: a generated 1080p clip (testsrc2 + 440 Hz sine) through the encode the queue
 * runs — every rendition and the seek-bar sprite from one decode — and each rendition encoded
 * alone. Prints output seconds per wall second per rendition ("× realtime"), and per CPU second
 * (ffmpeg's own -benchmark figures), which a busy machine disturbs far less than wall time.
 *
 *   pnpm bench:transcode [clip seconds = 20] [x264 preset = veryfast]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeArgs, planRenditions, planSprite } from '@roomcast/signaling/transcode';

const seconds = Number(process.argv[2] ?? 20);
const preset = process.argv[3] ?? 'veryfast';
const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-bench-transcode-'));

/** Runs ffmpeg with -benchmark; returns wall and CPU (user + system) seconds. */
function run(args: string[]): { wall: number; cpu: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-y', '-benchmark', ...args], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.slice(-500)}`);
  const bench = /utime=([\d.]+)s stime=([\d.]+)s/.exec(result.stderr);
  return { wall, cpu: bench ? Number(bench[1]) + Number(bench[2]) : NaN };
}

try {
  const source = path.join(dir, 'source.mp4');
  // A busy pattern (testsrc2 moves every frame) at a high bitrate, like a phone's upload.
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '12M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source,
  ]);
  const probe = { durationMs: seconds * 1000, width: 1920, height: 1080 };
  const sizes = planRenditions(probe);
  const out = (name: string) => path.join(dir, name);
  console.log(`source: 1920x1080 30 fps, ${seconds} s, ${(statSync(source).size / 1e6).toFixed(1)} MB; preset ${preset}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`);

  const rows: Array<{ what: string; renditions: number; wall: number; cpu: number }> = [];
  const all = sizes.map((size) => ({ size, file: out(`all-${size.height}.mp4`) }));
  rows.push({
    what: `one run: ${sizes.map((s) => `${s.height}p`).join(' + ')} + sprite`,
    renditions: sizes.length,
    ...run(encodeArgs(source, all, preset, true, { file: out('sprite.jpg'), plan: planSprite(probe.durationMs, probe) })),
  });
  for (const size of sizes) {
    rows.push({ what: `${size.width}x${size.height} alone`, renditions: 1, ...run(encodeArgs(source, [{ size, file: out(`alone-${size.height}.mp4`) }], preset, true)) });
  }

  console.log('\n| encode | wall s | CPU s | output s / wall s, per rendition | output s / CPU s, per rendition | × realtime, all renditions |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.what} | ${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)} | ${(seconds / r.wall).toFixed(2)} | ${(seconds / r.cpu).toFixed(2)} | ${((seconds * r.renditions) / r.wall).toFixed(2)} |`);
  }
  console.log(`\nload after: ${os.loadavg()[0]!.toFixed(2)} (wall figures are floors on a shared machine; CPU figures hold)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
