import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import { LIMITS } from '@roomcast/shared';
import { albumId, trackId } from './ids.js';
import type { IndexDb, TrackRow } from './index-db.js';
import { walk, type FoundFile } from './walk.js';

export interface ScanProgress {
  /** Files read so far of those that changed. */
  done: number;
  total: number;
  current: string;
}

export interface ScanResult {
  /** Tracks in the index after the scan. */
  tracks: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** Files music-metadata could not read (kept out of the index). */
  failed: { file: string; error: string }[];
  refusedLinks: number;
}

const cut = (text: string | undefined | null): string => (text ?? '').trim().slice(0, LIMITS.library.text);

function mimeOf(ext: string, meta: IAudioMetadata): string {
  const codec = (meta.format.codec ?? '').toLowerCase();
  switch (ext) {
    case '.mp3':
      return 'audio/mpeg';
    case '.flac':
      return 'audio/flac';
    case '.wav':
      return 'audio/wav';
    case '.ogg':
    case '.oga':
    case '.opus':
      return codec.includes('opus') ? 'audio/ogg; codecs=opus' : 'audio/ogg';
    default:
      return 'audio/mp4';
  }
}

/** What the index keeps of one file: tags cut to the wire's limits, unknown tags named from the path. */
export function toRow(root: string, rootIdx: number, file: FoundFile, meta: IAudioMetadata): TrackRow {
  const { common, format } = meta;
  const folder = file.relPath.includes('/') ? file.relPath.slice(0, file.relPath.lastIndexOf('/')) : '';
  const artist = cut(common.artist) || 'Unknown artist';
  const albumArtist = cut(common.albumartist) || artist;
  const album = cut(common.album) || (folder ? cut(folder.split('/').at(-1)) : 'Unknown album');
  const ext = path.extname(file.relPath).toLowerCase();
  return {
    id: trackId(root, file.relPath),
    root: rootIdx,
    relPath: file.relPath,
    folder,
    size: file.size,
    mtimeMs: file.mtimeMs,
    title: cut(common.title) || cut(path.basename(file.relPath, ext)),
    artist,
    albumArtist,
    album,
    albumId: albumId(albumArtist, album),
    track: common.track.no ?? null,
    disc: common.disk.no ?? null,
    year: common.year ?? null,
    genre: common.genre?.[0] ? cut(common.genre[0]) : null,
    durationMs: Math.round((format.duration ?? 0) * 1000),
    bitrate: format.bitrate ? Math.round(format.bitrate) : null,
    codec: format.codec ? cut(format.codec) : null,
    mime: mimeOf(ext, meta),
    cover: common.picture?.length ? 'embedded' : file.folderArt,
  };
}

/** Reads one file's tags and makes its row; throws when music-metadata cannot parse it. */
export async function readTrack(root: string, rootIdx: number, file: FoundFile): Promise<TrackRow> {
  const meta = await parseFile(path.join(root, file.relPath), { duration: true, skipCovers: false });
  return toRow(root, rootIdx, file, meta);
}

/**
 * Brings the index in line with the shared folders: files whose size and mtime match their row
 * are not read again; new and changed files are parsed with music-metadata; rows of files that
 * went are dropped. A file that cannot be parsed stays out of the index (and so is never served).
 */
export async function scan(db: IndexDb, folders: readonly string[], onProgress?: (p: ScanProgress) => void): Promise<ScanResult> {
  const roots = await Promise.all(folders.map((f) => realpath(path.resolve(f))));
  db.setRoots(roots);
  const result: ScanResult = { tracks: 0, added: 0, updated: 0, removed: 0, unchanged: 0, failed: [], refusedLinks: 0 };
  const work: { rootIdx: number; file: FoundFile; isNew: boolean }[] = [];
  for (const [rootIdx, root] of roots.entries()) {
    const found = await walk(root);
    result.refusedLinks += found.refusedLinks;
    const known = db.fingerprints(rootIdx);
    for (const file of found.files) {
      const before = known.get(file.relPath);
      known.delete(file.relPath);
      if (before && before.size === file.size && before.mtimeMs === file.mtimeMs) result.unchanged++;
      else work.push({ rootIdx, file, isNew: !before });
    }
    db.remove(rootIdx, [...known.keys()]);
    result.removed += known.size;
  }
  let batch: TrackRow[] = [];
  for (const [done, item] of work.entries()) {
    onProgress?.({ done, total: work.length, current: item.file.relPath });
    const root = roots[item.rootIdx]!;
    try {
      batch.push(await readTrack(root, item.rootIdx, item.file));
      if (item.isNew) result.added++;
      else result.updated++;
    } catch (error) {
      // A changed file that no longer parses must not keep its old row.
      db.remove(item.rootIdx, [item.file.relPath]);
      result.failed.push({ file: item.file.relPath, error: error instanceof Error ? error.message : String(error) });
    }
    if (batch.length >= 200) {
      db.upsert(batch);
      batch = [];
    }
  }
  db.upsert(batch);
  onProgress?.({ done: work.length, total: work.length, current: '' });
  result.tracks = db.count();
  return result;
}
