// Small real video files made by ffmpeg (testsrc + sine), for upload and transcode tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface ClipOptions {
  width?: number;
  height?: number;
  seconds?: number;
  audio?: boolean;
  /** File extension, which picks the container: mp4 (H.264/AAC), webm (VP8/Opus), mkv, mov. */
  ext?: 'mp4' | 'webm' | 'mkv' | 'mov';
  fps?: number;
}

/** Writes a test-pattern clip with a 440 Hz tone into `dir` and returns its path. */
export async function makeClip(dir: string, name: string, opts: ClipOptions = {}): Promise<string> {
  const { width = 320, height = 240, seconds = 2, audio = true, ext = 'mp4', fps = 15 } = opts;
  const file = join(dir, `${name}.${ext}`);
  const video = ext === 'webm' ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '200k'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  const sound = audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`] : [];
  const soundCodec = audio ? (ext === 'webm' ? ['-c:a', 'libopus'] : ['-c:a', 'aac']) : [];
  await exec('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    ...sound, ...video, ...soundCodec, '-shortest', file,
  ]);
  return file;
}
