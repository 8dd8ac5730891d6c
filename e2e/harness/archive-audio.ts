import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What ffprobe, ffmpeg's silencedetect and sox measure in an archive's audio. */
export interface ArchiveAudio {
  codec: string;
  channels: number;
  /** Seconds, from ffprobe. */
  duration: number;
  /** Stretches quieter than -40 dBFS for 0.3 s or more (the studio away: the recorder fills silence). */
  silences: { start: number; end: number }[];
  /** Seconds of sound: the duration less its silences. */
  sounding: number;
  /** sox's rough frequency of `seconds` from `from`. */
  roughHz(from: number, seconds: number): Promise<number>;
}

/** Measures an archive's bytes (Ogg/Opus) with ffprobe, ffmpeg and sox, in a folder removed afterwards. */
export async function measureArchive<T>(bytes: Buffer, use: (audio: ArchiveAudio) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomcast-archive-'));
  try {
    const file = path.join(dir, 'archive.ogg');
    await writeFile(file, bytes);
    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,channels', '-of', 'json', file])).stdout);
    const wav = path.join(dir, 'archive.wav');
    // One decode: the mono wav for sox, and silencedetect's report on the way.
    const decoded = await run('ffmpeg', ['-v', 'info', '-nostats', '-i', file, '-af', 'silencedetect=noise=-40dB:d=0.3', '-ac', '1', '-y', wav]);
    const duration = Number(probe.format.duration);
    const starts = [...decoded.stderr.matchAll(/silence_start: (-?[\d.]+)/g)].map((m) => Math.max(0, Number(m[1])));
    const ends = [...decoded.stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
    // A silence running to the end of the file has no end line.
    const silences = starts.map((start, i) => ({ start, end: ends[i] ?? duration }));
    return await use({
      codec: probe.streams[0].codec_name,
      channels: probe.streams[0].channels,
      duration,
      silences,
      sounding: duration - silences.reduce((sum, s) => sum + (s.end - s.start), 0),
      async roughHz(from, seconds) {
        const stat = await run('sox', [wav, '-n', 'trim', String(from), String(seconds), 'stat']).catch((e: { stderr: string }) => e);
        return Number(/Rough\s+frequency:\s+(\d+)/.exec(stat.stderr)?.[1]);
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
