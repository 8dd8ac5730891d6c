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
    const art = entries.find((e) => FOLDER_ART.includes(e.name.toLowerCase()) && (e.isFile() || e.isSymbolicLink()))?.name ?? null;
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(rootReal, relPath);
      if (entry.isDirectory()) {
        dirs.push(relPath);
        continue;
      }
      if (!AUDIO_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) continue;
      if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => null);
        if (!target || !isInside(rootReal, target)) {
          refusedLinks++;
          continue;
        }
      } else if (!entry.isFile()) continue;
      const info = await stat(full).catch(() => null);
      if (!info?.isFile()) continue;
      files.push({ relPath, size: info.size, mtimeMs: info.mtimeMs, folderArt: art });
    }
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  return { files, refusedLinks };
}
