import Database from 'better-sqlite3';

/** One indexed file, as the scanner found it. Paths are relative to their shared folder, `/`-separated. */
export interface TrackRow {
  id: string;
  root: number;
  relPath: string;
  folder: string;
  size: number;
  mtimeMs: number;
  title: string;
  artist: string;
  albumArtist: string;
  album: string;
  albumId: string;
  track: number | null;
  disc: number | null;
  year: number | null;
  genre: string | null;
  durationMs: number;
  bitrate: number | null;
  codec: string | null;
  mime: string;
  /** 'embedded', a file name in the track's folder (folder art), or null. */
  cover: string | null;
}

const COLUMNS = ['id', 'root', 'relPath', 'folder', 'size', 'mtimeMs', 'title', 'artist', 'albumArtist', 'album', 'albumId', 'track', 'disc', 'year', 'genre', 'durationMs', 'bitrate', 'codec', 'mime', 'cover'] as const;

/**
 * The agent's index in embedded SQLite, so a restart is instant and a rescan reads only files
 * whose size or modification time changed. Roots are the shared folders by position; changing
 * the folder list re-keys nothing, the scan just drops rows of folders no longer shared.
 */
export class IndexDb {
  readonly #db: Database.Database;
  #closed = false;

  private constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS roots (idx INTEGER PRIMARY KEY, path TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS tracks (
        id TEXT PRIMARY KEY, root INTEGER NOT NULL, relPath TEXT NOT NULL, folder TEXT NOT NULL,
        size INTEGER NOT NULL, mtimeMs REAL NOT NULL, title TEXT NOT NULL, artist TEXT NOT NULL,
        albumArtist TEXT NOT NULL, album TEXT NOT NULL, albumId TEXT NOT NULL, track INTEGER, disc INTEGER,
        year INTEGER, genre TEXT, durationMs INTEGER NOT NULL, bitrate INTEGER, codec TEXT, mime TEXT NOT NULL, cover TEXT,
        UNIQUE (root, relPath)
      );
      CREATE INDEX IF NOT EXISTS tracks_album ON tracks (albumId);
      CREATE INDEX IF NOT EXISTS tracks_artist ON tracks (albumArtist);
      CREATE INDEX IF NOT EXISTS tracks_folder ON tracks (root, folder);
    `);
  }

  static open(file: string): IndexDb {
    return new IndexDb(file);
  }

  get db(): Database.Database {
    return this.#db;
  }

  /** Records the shared folders; rows of roots whose path changed or went are dropped. */
  setRoots(paths: readonly string[]): void {
    const tx = this.#db.transaction(() => {
      const before = new Map((this.#db.prepare('SELECT idx, path FROM roots').all() as { idx: number; path: string }[]).map((r) => [r.idx, r.path]));
      for (const [idx, path] of before) {
        if (paths[idx] !== path) this.#db.prepare('DELETE FROM tracks WHERE root = ?').run(idx);
      }
      this.#db.prepare('DELETE FROM roots').run();
      const insert = this.#db.prepare('INSERT INTO roots (idx, path) VALUES (?, ?)');
      paths.forEach((path, idx) => insert.run(idx, path));
    });
    tx();
  }

  roots(): string[] {
    return (this.#db.prepare('SELECT path FROM roots ORDER BY idx').all() as { path: string }[]).map((r) => r.path);
  }

  /** What the scanner compares against: size and mtime of every indexed file of a root. */
  fingerprints(root: number): Map<string, { size: number; mtimeMs: number }> {
    const rows = this.#db.prepare('SELECT relPath, size, mtimeMs FROM tracks WHERE root = ?').all(root) as { relPath: string; size: number; mtimeMs: number }[];
    return new Map(rows.map((r) => [r.relPath, { size: r.size, mtimeMs: r.mtimeMs }]));
  }

  upsert(rows: readonly TrackRow[]): void {
    const stmt = this.#db.prepare(`INSERT OR REPLACE INTO tracks (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`);
    this.#db.transaction(() => rows.forEach((r) => stmt.run(r)))();
  }

  remove(root: number, relPaths: readonly string[]): void {
    const stmt = this.#db.prepare('DELETE FROM tracks WHERE root = ? AND relPath = ?');
    this.#db.transaction(() => relPaths.forEach((p) => stmt.run(root, p)))();
  }

  /** Drops every row in a folder and below it (the folder was removed or moved away). */
  removeFolder(root: number, folder: string): number {
    const escaped = folder.replace(/[\\%_]/g, (c) => '\\' + c);
    return this.#db.prepare("DELETE FROM tracks WHERE root = ? AND (folder = ? OR folder LIKE ? ESCAPE '\\')").run(root, folder, `${escaped}/%`).changes;
  }

  /** Points the folder-art fallback of a folder's tracks without embedded art at `art` (or none). */
  setFolderArt(root: number, folder: string, art: string | null): number {
    return this.#db.prepare("UPDATE tracks SET cover = ? WHERE root = ? AND folder = ? AND (cover IS NULL OR cover != 'embedded')").run(art, root, folder).changes;
  }

  track(id: string): TrackRow | null {
    return (this.#db.prepare('SELECT * FROM tracks WHERE id = ?').get(id) as TrackRow | undefined) ?? null;
  }

  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
