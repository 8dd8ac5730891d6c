import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { trackId } from './ids.js';
import type { IndexDb } from './index-db.js';
import { readTrack } from './scanner.js';
import { AUDIO_EXTENSIONS, folderArtOf, inspectFile, isFolderArt, isInside } from './walk.js';

/** What one batch of file-system events changed in the index. */
export interface IndexChange {
  added: number;
  updated: number;
  removed: number;
  /** Tracks in the index after the batch. */
  tracks: number;
}

export interface WatcherOptions {
  /** How long a file's size must stay put before it is read (a copy in progress is not parsed half-written). */
  settleMs?: number;
  /** Called after each batch that changed the index. */
  onChange?: (change: IndexChange) => void;
  log?: (line: string) => void;
}

type Job = { kind: 'file' | 'art' | 'dir-gone'; root: number; rel: string };

/**
 * Keeps the index in line with the shared folders while the agent runs: files added, changed
 * or removed (and folders moved or deleted, and folder art) update their rows without a
 * rescan. Events are coalesced per path and applied one batch at a time, in the same way the
 * scanner does — a symlink that resolves outside its folder, or a file that does not parse,
 * stays out of the index.
 */
export class LibraryWatcher {
  readonly #pending = new Map<string, Job>();
  #draining: Promise<void> | null = null;
  #closed = false;

  private constructor(
    private readonly index: IndexDb,
    private readonly roots: readonly string[],
    private readonly watcher: FSWatcher,
    private readonly options: WatcherOptions,
  ) {}

  /** Starts watching the index's shared folders; resolves once the initial tree is watched. */
  static async start(index: IndexDb, options: WatcherOptions = {}): Promise<LibraryWatcher> {
    const roots = index.roots();
    const settle = options.settleMs ?? 1000;
    const fs = watch([...roots], {
      ignoreInitial: true,
      // Links are judged by their target when read (inspectFile), never followed into other trees.
      followSymlinks: false,
      awaitWriteFinish: { stabilityThreshold: settle, pollInterval: Math.max(20, Math.round(settle / 5)) },
    });
    const watcher = new LibraryWatcher(index, roots, fs, options);
    fs.on('add', (p) => watcher.#event(p, 'file'));
    fs.on('change', (p) => watcher.#event(p, 'file'));
    fs.on('unlink', (p) => watcher.#event(p, 'file'));
    fs.on('unlinkDir', (p) => watcher.#event(p, 'dir-gone'));
    fs.on('error', (error) => options.log?.(`watching the shared folders: ${error instanceof Error ? error.message : String(error)}`));
    await new Promise<void>((resolve) => fs.once('ready', resolve));
    return watcher;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.watcher.close();
    await this.#draining;
  }

  /** Resolves when every event received so far has been applied (tests, and a clean stop). */
  async settled(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  #event(absolute: string, kind: Job['kind']): void {
    if (this.#closed) return;
    const root = this.#rootOf(absolute);
    if (root < 0) return;
    const rel = path.relative(this.roots[root]!, absolute).split(path.sep).join('/');
    const name = path.basename(absolute);
    if (kind === 'file' && isFolderArt(name)) kind = 'art';
    else if (kind === 'file' && !AUDIO_EXTENSIONS.has(path.extname(name).toLowerCase())) return;
    const folder = kind === 'art' ? parentOf(rel) : rel;
    this.#pending.set(`${kind}\0${root}\0${folder}`, { kind, root, rel: folder });
    this.#draining ??= this.#drain().finally(() => (this.#draining = null));
  }

  /** The shared folder a path lies in (the deepest, should one be inside another). */
  #rootOf(absolute: string): number {
    let best = -1;
    this.roots.forEach((r, i) => {
      if (absolute !== r && isInside(r, absolute) && (best < 0 || r.length > this.roots[best]!.length)) best = i;
    });
    return best;
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0 && !this.#closed) {
      const jobs = [...this.#pending.values()];
      this.#pending.clear();
      const change: IndexChange = { added: 0, updated: 0, removed: 0, tracks: 0 };
      for (const job of jobs) {
        try {
          await this.#apply(job, change);
        } catch (error) {
          this.options.log?.(`could not index ${job.rel}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (change.added + change.updated + change.removed === 0) continue;
      change.tracks = this.index.count();
      this.options.onChange?.(change);
    }
  }

  async #apply(job: Job, change: IndexChange): Promise<void> {
    const rootPath = this.roots[job.root]!;
    if (job.kind === 'dir-gone') {
      change.removed += this.index.removeFolder(job.root, job.rel);
      return;
    }
    if (job.kind === 'art') {
      const art = folderArtOf(await readdir(path.join(rootPath, job.rel)).catch(() => []));
      change.updated += this.index.setFolderArt(job.root, job.rel, art);
      return;
    }
    const before = this.index.track(trackId(rootPath, job.rel));
    const art = folderArtOf(await readdir(path.join(rootPath, parentOf(job.rel))).catch(() => []));
    const found = await inspectFile(rootPath, job.rel, art);
    if (found === 'skip' || found === 'refused') {
      if (before) (this.index.remove(job.root, [job.rel]), change.removed++);
      return;
    }
    if (before && before.size === found.size && before.mtimeMs === found.mtimeMs) return;
    try {
      this.index.upsert([await readTrack(rootPath, job.root, found)]);
    } catch (error) {
      // A file that no longer parses must not keep its old row (as in a scan).
      if (before) (this.index.remove(job.root, [job.rel]), change.removed++);
      throw error;
    }
    if (before) change.updated++;
    else change.added++;
  }
}

const parentOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
