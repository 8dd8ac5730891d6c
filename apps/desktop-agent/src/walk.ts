import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export const AUDIO_EXTENSIONS = new Set(['.mp3', '.flac', '.m4a', '.aac', '.mp4', '.ogg', '.oga', '.opus', '.wav']);
const FOLDER_ART = ['cover', 'folder', 'front', 'album'].flatMap((n) => [`${n}.jpg`, `${n}.jpeg`, `${n}.png`]);

export interface FoundFile {
  relPath: string;
  size: number;
  mtimeMs: number;
  /** Folder art beside the file, by file name, if any. */
  folderArt: string | null;
}

export interface WalkResult {
  files: FoundFile[];
  /** Symlinks that point outside the shared folder: never indexed, never served. */
  refusedLinks: number;
}

/** Whether `child` (a real path) lies inside `root` (a real path). */
export const isInside = (root: string, child: string): boolean => child === root || child.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** Folder art among a folder's entry names, if any. */
export const folderArtOf = (names: readonly string[]): string | null => names.find((n) => FOLDER_ART.includes(n.toLowerCase())) ?? null;
export const isFolderArt = (name: string): boolean => FOLDER_ART.includes(name.toLowerCase());

/**
 * One audio file of a shared folder as the index keeps it, or why not: 'skip' (not an audio
 * file, gone, not a regular file) or 'refused' (a symlink that resolves outside the folder).
 */
export async function inspectFile(rootReal: string, relPath: string, folderArt: string | null): Promise<FoundFile | 'skip' | 'refused'> {
  if (!AUDIO_EXTENSIONS.has(path.extname(relPath).toLowerCase())) return 'skip';
  const full = path.join(rootReal, relPath);
  const target = await realpath(full).catch(() => null);
  if (!target) return 'skip';
  if (!isInside(rootReal, target)) return 'refused';
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) return 'skip';
  return { relPath, size: info.size, mtimeMs: info.mtimeMs, folderArt };
}

/**
 * Every audio file under a shared folder, relative to it. Symlinks are followed only when they
 * resolve inside the folder (to a file: a link into another shared folder's tree is still
 * inside); directories reached through links are skipped, so a loop cannot trap the walk.
 */
export async function walk(rootReal: string): Promise<WalkResult> {
  const files: FoundFile[] = [];
  let refusedLinks = 0;
  const dirs = [''];
  while (dirs.length > 0) {
    const rel = dirs.pop()!;
    const entries = await readdir(path.join(rootReal, rel), { withFileTypes: true }).catch(() => []);
    const art = folderArtOf(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        dirs.push(relPath);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const found = await inspectFile(rootReal, relPath, art);
      if (found === 'refused') refusedLinks++;
      else if (found !== 'skip') files.push(found);
    }
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  return { files, refusedLinks };
}
