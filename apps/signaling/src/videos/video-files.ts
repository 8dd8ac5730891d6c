// Where a video's files live on disk: DATA_DIR/videos/<id>/ holds the source and every output;
// DATA_DIR/uploads/ holds tus uploads until they finish.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Id } from '@roomcast/shared';
import type { Video } from './video-store.js';

type VideoOutputs = Pick<Video, 'id' | 'renditions' | 'poster' | 'sprite' | 'thumbnails' | 'subtitles'>;

export class VideoFiles {
  readonly videos: string;
  readonly uploads: string;

  constructor(dataDir: string) {
    this.videos = join(dataDir, 'videos');
    this.uploads = join(dataDir, 'uploads');
  }

  /** The video's folder. Ids are url-safe by construction; checked again so no path escapes. */
  dir(videoId: string): string {
    return join(this.videos, Id.parse(videoId));
  }

  async ensure(): Promise<void> {
    await mkdir(this.videos, { recursive: true });
    await mkdir(this.uploads, { recursive: true });
  }

  /** The uploaded original; kept so a failed or changed transcode can run again. */
  source(videoId: string, ext: string): string {
    return join(this.dir(videoId), `source.${ext}`);
  }

  async findSource(videoId: string): Promise<string | null> {
    const names = await readdir(this.dir(videoId)).catch(() => [] as string[]);
    const name = names.find((n) => n.startsWith('source.'));
    return name ? join(this.dir(videoId), name) : null;
  }

  async remove(videoId: string): Promise<void> {
    await rm(this.dir(videoId), { recursive: true, force: true });
  }

  /**
   * After a transcode commits: removes what earlier (crashed or superseded) attempts left, keeping
   * the source, the subtitles and the committed outputs.
   */
  async keepOnly(video: VideoOutputs): Promise<void> {
    const keep = VideoFiles.servable(video);
    const names = await readdir(this.dir(video.id)).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => !n.startsWith('source.') && !keep.has(n)).map((n) => rm(join(this.dir(video.id), n), { force: true })));
  }

  /**
   * Removes video folders that no row names (a crash between storing an upload and recording
   * it), once older than `graceMs` so an upload being stored right now is left alone.
   * @returns the removed ids.
   */
  async removeOrphans(exists: (videoId: string) => Promise<boolean>, graceMs: number, now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await readdir(this.videos).catch(() => [] as string[])) {
      if (!Id.safeParse(name).success) continue;
      const info = await stat(join(this.videos, name)).catch(() => null);
      if (!info?.isDirectory() || now - info.mtimeMs < graceMs || (await exists(name))) continue;
      await this.remove(name);
      removed.push(name);
    }
    return removed;
  }

  /** Removes one attempt's outputs (named `*-<tag>.*`): it failed, or lost its job to another worker. */
  async removeTagged(videoId: string, tag: string): Promise<void> {
    const names = await readdir(this.dir(videoId)).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.includes(`-${tag}.`)).map((n) => rm(join(this.dir(videoId), n), { force: true })));
  }

  /** The files a viewer may fetch: outputs and subtitles, never the source. */
  static servable(video: VideoOutputs): Set<string> {
    return new Set([
      ...video.renditions.map((r) => r.file),
      ...video.subtitles.map((s) => s.file),
      ...[video.poster, video.sprite, video.thumbnails].filter((f): f is string => f !== null),
    ]);
  }
}
