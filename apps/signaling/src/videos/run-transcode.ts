// What every queue's worker does with a job: find the source, probe it, transcode it.
import { probe } from './ffmpeg.js';
import { transcode } from './transcode.js';
import type { VideoFiles } from './video-files.js';
import type { TranscodeOutput } from './video-store.js';

export interface RunTranscode {
  files: VideoFiles;
  videoId: string;
  /** Names this attempt's output files, so a stale attempt never overwrites the committed one. */
  tag: string;
  preset: string;
  webm?: boolean;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export async function runTranscode(job: RunTranscode): Promise<TranscodeOutput> {
  const source = await job.files.findSource(job.videoId);
  if (!source) throw new Error('the uploaded file is missing from the server');
  return transcode({
    source,
    probe: await probe(source),
    dir: job.files.dir(job.videoId),
    tag: job.tag,
    preset: job.preset,
    webm: job.webm ?? false,
    ...(job.onProgress ? { onProgress: job.onProgress } : {}),
    ...(job.signal ? { signal: job.signal } : {}),
  });
}
