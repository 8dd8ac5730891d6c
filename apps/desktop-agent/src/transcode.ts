import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { RoomcastError } from '@roomcast/shared';

export interface Transcode {
  /** Ogg Opus as ffmpeg writes it; reading it slowly slows ffmpeg down (pipe back-pressure). */
  output: Readable;
  /** Settles when ffmpeg exits: rejects when it failed (not when stopped). */
  finished: Promise<void>;
  stop(): void;
}

export const OPUS_MIME = 'audio/ogg; codecs=opus';

/**
 * Data saver: one track re-encoded to Opus at about `kbps`, starting `startMs` into it (ffmpeg
 * seeks the input by time, so the stream starts at that moment of the music). The file is a
 * path from the index, passed as a `file:` URL so no name is ever read as an option or protocol.
 * Constant bitrate, so the listener gets what it asked for; Ogg pages every 100 ms keep the
 * first audio quick to arrive.
 */
export function startTranscode(file: string, options: { kbps: number; startMs: number }, ffmpeg = process.env.ROOMCAST_FFMPEG || 'ffmpeg'): Transcode {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-ss', (options.startMs / 1000).toFixed(3),
    '-i', `file:${file}`,
    '-map', '0:a:0', '-vn', '-map_metadata', '-1',
    '-c:a', 'libopus', '-b:a', `${options.kbps}k`, '-vbr', 'off', '-application', 'audio',
    '-page_duration', '100000', '-f', 'ogg', 'pipe:1',
  ];
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stopped = false;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new RoomcastError('unavailable', 'data saver needs ffmpeg on the computer with the music') : error);
    });
    child.once('close', (code, signal) => {
      if (code === 0 || stopped) return resolve();
      reject(new RoomcastError('unavailable', `the agent could not transcode this track (ffmpeg ${code ?? signal}: ${stderr.trim().split('\n').at(-1) ?? ''})`));
    });
  });
  // Never unhandled: the caller awaits it after reading the output, or stops.
  finished.catch(() => {});
  return {
    output: child.stdout,
    finished,
    stop: () => {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      child.kill('SIGKILL');
    },
  };
}
