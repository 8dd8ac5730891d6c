// ffprobe and ffmpeg as child processes: what an upload is, and running one encode with progress.
import { spawn } from 'node:child_process';

/** What ffprobe found in a file that is playable video. */
export interface Probe {
  durationMs: number;
  width: number;
  height: number;
  hasAudio: boolean;
  /** Container names as ffprobe reports them, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  format: string;
}

/** A file ffprobe cannot read as a video; the message is for the uploader. */
export class NotAVideoError extends Error {}

/** An ffmpeg run that exited non-zero; `message` is the tail of its stderr (what went wrong). */
export class FfmpegError extends Error {}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderrTail: string;
}

const TAIL_CHARS = 2000;

/** Runs a tool, keeping all of stdout and only the tail of stderr (ffmpeg is chatty). */
function run(tool: string, args: string[], opts: { onStdout?: (chunk: string) => void; signal?: AbortSignal } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (opts.onStdout) opts.onStdout(chunk);
      else stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-TAIL_CHARS);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderrTail: stderr }));
  });
}

/** The last meaningful lines of ffmpeg's stderr: what a person reads to learn why it failed. */
export function errorTail(stderr: string, lines = 4): string {
  const meaningful = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^(frame=|size=|Press \[q\])/.test(l));
  return meaningful.slice(-lines).join('\n').slice(-500) || 'ffmpeg failed without saying why';
}

interface ProbeJson {
  format?: { duration?: string; format_name?: string };
  streams?: Array<{ codec_type?: string; width?: number; height?: number; duration?: string; disposition?: { attached_pic?: number } }>;
}

/**
 * Reads the file as ffprobe sees it. Throws NotAVideoError for anything that is not a video with
 * a known duration: text, images, audio-only, truncated or corrupt containers.
 */
export async function probe(file: string): Promise<Probe> {
  const result = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  if (result.code !== 0) throw new NotAVideoError(`not a video file ffmpeg can read (${errorTail(result.stderrTail, 1)})`);
  let info: ProbeJson;
  try {
    info = JSON.parse(result.stdout) as ProbeJson;
  } catch {
    throw new NotAVideoError('not a video file ffmpeg can read');
  }
  const streams = info.streams ?? [];
  // A cover picture in an audio file is a "video" stream too; it is not a video.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && (s.width ?? 0) > 0 && (s.height ?? 0) > 0);
  if (!video) throw new NotAVideoError('the file has no video stream');
  const seconds = Number(info.format?.duration ?? video.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new NotAVideoError('the video has no readable duration (the file may be cut short)');
  return {
    durationMs: Math.round(seconds * 1000),
    width: video.width!,
    height: video.height!,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    format: info.format?.format_name ?? '',
  };
}

/**
 * Runs ffmpeg with `-progress pipe:1` and reports how far it got (0..1 of `durationMs` of output).
 * Rejects with FfmpegError (stderr tail) on a non-zero exit; an aborted run rejects with the abort.
 */
export async function ffmpeg(args: string[], opts: { durationMs?: number; onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<void> {
  let pending = '';
  const onStdout = (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // out_time_us is microseconds of output written so far (out_time_ms is misnamed: also µs).
      const match = /^out_time_us=(\d+)/.exec(line);
      if (match && opts.durationMs && opts.onProgress) opts.onProgress(Math.min(1, Number(match[1]) / 1000 / opts.durationMs));
    }
  };
  const result = await run('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-progress', 'pipe:1', '-nostats', ...args], { onStdout, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (result.code !== 0) throw new FfmpegError(errorTail(result.stderrTail));
}
