import { open, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { LIMITS, RoomcastError, type AlbumView, type ArtistView, type TrackView } from '@roomcast/shared';
import type { IndexDb, TrackRow } from './index-db.js';
import { isInside } from './walk.js';

export interface Page {
  offset: number;
  limit: number;
}

/** A file opened for reading after every check passed. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
  mime: string;
}

const view = (r: TrackRow): TrackView => ({
  id: r.id,
  title: r.title,
  artist: r.artist,
  albumArtist: r.albumArtist,
  album: r.album,
  albumId: r.albumId,
  track: r.track,
  disc: r.disc,
  year: r.year,
  genre: r.genre,
  durationMs: r.durationMs,
  bitrate: r.bitrate,
  codec: r.codec,
  mime: r.mime,
  size: r.size,
  root: r.root,
  folder: r.folder,
  hasCover: r.cover !== null,
});

const ALBUMS = `SELECT albumId AS id, MIN(album) AS title, MIN(albumArtist) AS artist, MAX(year) AS year, COUNT(*) AS tracks,
  MIN(CASE WHEN cover IS NOT NULL THEN id END) AS coverTrackId FROM tracks`;
const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

/**
 * What a listener may ask of the index: browse, search, covers and reads. Everything is looked
 * up by id in the index; a path from the wire is never opened, and a file is opened only after
 * its real path is checked to still lie inside its shared folder (a file swapped for a symlink
 * after the scan is refused).
 */
export class Catalog {
  constructor(private readonly index: IndexDb) {}

  artists(p: Page): { artists: ArtistView[]; total: number } {
    const db = this.index.db;
    const total = (db.prepare('SELECT COUNT(DISTINCT albumArtist) AS n FROM tracks').get() as { n: number }).n;
    const artists = db
      .prepare('SELECT albumArtist AS name, COUNT(DISTINCT albumId) AS albums, COUNT(*) AS tracks FROM tracks GROUP BY albumArtist ORDER BY albumArtist COLLATE NOCASE LIMIT ? OFFSET ?')
      .all(p.limit, p.offset) as ArtistView[];
    return { artists, total };
  }

  albums(p: Page & { artist?: string | undefined }): { albums: AlbumView[]; total: number } {
    const db = this.index.db;
    const where = p.artist !== undefined ? 'WHERE albumArtist = ?' : '';
    const args = p.artist !== undefined ? [p.artist] : [];
    const total = (db.prepare(`SELECT COUNT(DISTINCT albumId) AS n FROM tracks ${where}`).get(...args) as { n: number }).n;
    const albums = db.prepare(`${ALBUMS} ${where} GROUP BY albumId ORDER BY MIN(album) COLLATE NOCASE LIMIT ? OFFSET ?`).all(...args, p.limit, p.offset) as AlbumView[];
    return { albums, total };
  }

  tracks(p: Page & { albumId?: string | undefined; artist?: string | undefined }): { tracks: TrackView[]; total: number } {
    const db = this.index.db;
    const clauses: string[] = [];
    const args: string[] = [];
    if (p.albumId !== undefined) (clauses.push('albumId = ?'), args.push(p.albumId));
    if (p.artist !== undefined) (clauses.push('(albumArtist = ? OR artist = ?)'), args.push(p.artist, p.artist));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM tracks ${where}`).get(...args) as { n: number }).n;
    const rows = db.prepare(`SELECT * FROM tracks ${where} ORDER BY albumArtist COLLATE NOCASE, album COLLATE NOCASE, disc, track, title LIMIT ? OFFSET ?`).all(...args, p.limit, p.offset) as TrackRow[];
    return { tracks: rows.map(view), total };
  }

  /** One folder of one shared folder: its subfolders and tracks, from the index only. */
  folder(root: number, folder: string): { roots: string[]; folders: string[]; tracks: TrackView[] } {
    const roots = this.index.roots();
    if (root >= roots.length) throw new RoomcastError('not_found', 'no such shared folder');
    const clean = folder.replace(/^\/+|\/+$/g, '');
    if (clean.split('/').some((s) => s === '..' || s === '.') || path.isAbsolute(folder) || folder.includes('\\') || folder.includes('\0')) {
      throw new RoomcastError('forbidden', 'folders are named as the agent listed them, inside a shared folder');
    }
    const db = this.index.db;
    const prefix = clean ? `${clean}/` : '';
    const below = db.prepare("SELECT DISTINCT folder FROM tracks WHERE root = ? AND (? = '' OR folder LIKE ? ESCAPE '\\')").all(root, clean, like(prefix).slice(1)) as { folder: string }[];
    const folders = new Set<string>();
    for (const { folder: f } of below) {
      if (f === clean || !f.startsWith(prefix)) continue;
      folders.add(prefix + f.slice(prefix.length).split('/')[0]!);
    }
    const rows = db.prepare('SELECT * FROM tracks WHERE root = ? AND folder = ? ORDER BY relPath LIMIT ?').all(root, clean, LIMITS.library.pageSize) as TrackRow[];
    return { roots: roots.map((r) => path.basename(r)), folders: [...folders].sort().slice(0, LIMITS.library.pageSize), tracks: rows.map(view) };
  }

  search(q: string, p: Page): { artists: ArtistView[]; albums: AlbumView[]; tracks: TrackView[] } {
    const db = this.index.db;
    const pattern = like(q);
    const artists = db
      .prepare("SELECT albumArtist AS name, COUNT(DISTINCT albumId) AS albums, COUNT(*) AS tracks FROM tracks WHERE albumArtist LIKE ? ESCAPE '\\' GROUP BY albumArtist ORDER BY albumArtist COLLATE NOCASE LIMIT ?")
      .all(pattern, p.limit) as ArtistView[];
    const albums = db.prepare(`${ALBUMS} WHERE album LIKE ? ESCAPE '\\' GROUP BY albumId ORDER BY MIN(album) COLLATE NOCASE LIMIT ?`).all(pattern, p.limit) as AlbumView[];
    const rows = db
      .prepare("SELECT * FROM tracks WHERE title LIKE ? ESCAPE '\\' OR artist LIKE ? ESCAPE '\\' OR album LIKE ? ESCAPE '\\' ORDER BY title COLLATE NOCASE LIMIT ? OFFSET ?")
      .all(pattern, pattern, pattern, p.limit, p.offset) as TrackRow[];
    return { artists, albums, tracks: rows.map(view) };
  }

  /** The real path of an indexed track, checked to lie inside its shared folder now. */
  async #safePath(id: string): Promise<{ row: TrackRow; file: string; root: string }> {
    const row = this.index.track(id);
    if (!row) throw new RoomcastError('not_found', 'no such track in this library');
    const root = this.index.roots()[row.root];
    if (!root) throw new RoomcastError('not_found', 'no such track in this library');
    const file = await realpath(path.join(root, row.relPath)).catch(() => null);
    if (!file) throw new RoomcastError('not_found', 'the file is gone; the agent will rescan');
    if (!isInside(root, file)) throw new RoomcastError('forbidden', 'the file now points outside the shared folder');
    return { row, file, root };
  }

  /** Where an indexed track is on disk, checked now (for ffmpeg, which opens it itself). */
  async localFile(id: string): Promise<{ file: string; durationMs: number }> {
    const { row, file } = await this.#safePath(id);
    return { file, durationMs: row.durationMs };
  }

  async openTrack(id: string): Promise<OpenedFile> {
    const { row, file } = await this.#safePath(id);
    const handle = await open(file, 'r');
    const info = await handle.stat();
    return { handle, size: info.size, mime: row.mime };
  }

  /** The track's cover: embedded art, else the folder art the scan found beside it. */
  async cover(id: string): Promise<{ bytes: Uint8Array; mime: string }> {
    const { row, file, root } = await this.#safePath(id);
    if (row.cover === 'embedded') {
      const meta = await parseFile(file, { skipCovers: false, duration: false });
      const picture = meta.common.picture?.[0];
      if (picture && picture.data.byteLength <= LIMITS.library.readBytes) return { bytes: picture.data, mime: picture.format };
    } else if (row.cover) {
      const art = await realpath(path.join(path.dirname(file), row.cover)).catch(() => null);
      const info = art ? await stat(art).catch(() => null) : null;
      if (art && info?.isFile() && isInside(root, art) && info.size <= LIMITS.library.readBytes) {
        return { bytes: await readFile(art), mime: /\.png$/i.test(art) ? 'image/png' : 'image/jpeg' };
      }
    }
    throw new RoomcastError('not_found', 'this track has no cover art');
  }
}
