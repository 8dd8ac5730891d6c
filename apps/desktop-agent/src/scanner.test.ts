import { mkdtemp, rm, symlink, unlink, utimes, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { IndexDb } from './index-db.js';
import { scan } from './scanner.js';
import { makeLibrary } from './testing/fixture.js';

let lib: Awaited<ReturnType<typeof makeLibrary>>;
let work: string;
let index: IndexDb;
let catalog: Catalog;

beforeAll(async () => {
  lib = await makeLibrary(2);
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-index-'));
  // Something outside the shared folder, and a link to it from inside.
  await writeFile(path.join(work, 'secret.mp3'), 'not for sharing');
  await symlink(path.join(work, 'secret.mp3'), path.join(lib.dir, 'Various/escape.mp3'));
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  catalog = new Catalog(index);
});
afterAll(async () => {
  index?.close();
  await lib?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('scanner', () => {
  it('indexes every format with its tags, duration, codec and cover source; links out are ignored', async () => {
    const result = await scan(index, [lib.dir]);
    expect(result).toMatchObject({ tracks: 7, added: 7, updated: 0, removed: 0, unchanged: 0, failed: [], refusedLinks: 1 });
    const tracks = catalog.tracks({ offset: 0, limit: 100 }).tracks;
    expect(tracks).toHaveLength(7);
    for (const t of lib.tracks) {
      const found = tracks.find((x) => x.title === t.title)!;
      expect(found, t.title).toMatchObject({ artist: t.artist, albumArtist: t.albumArtist, album: t.album, track: t.track, year: t.year, genre: t.genre, hasCover: t.cover !== null });
      expect(found.durationMs, t.title).toBeGreaterThan(1900);
      expect(found.durationMs, t.title).toBeLessThan(2200);
      expect(found.codec, t.title).toBeTruthy();
    }
    expect(tracks.find((t) => t.title === 'First')!.mime).toBe('audio/mpeg');
    expect(tracks.find((t) => t.title === 'Opus')!.mime).toBe('audio/ogg; codecs=opus');
    expect(tracks.find((t) => t.title === 'Flac Hum')!.bitrate).toBeGreaterThan(0);
  });

  it('browses artists, albums, folders and searches', () => {
    expect(catalog.artists({ offset: 0, limit: 10 })).toEqual({
      total: 3,
      artists: [
        { name: 'Ada Tones', albums: 1, tracks: 2 },
        { name: 'Bob Hertz', albums: 1, tracks: 2 },
        { name: 'Various', albums: 1, tracks: 3 },
      ],
    });
    const albums = catalog.albums({ offset: 0, limit: 10, artist: 'Bob Hertz' });
    expect(albums.albums).toEqual([expect.objectContaining({ title: 'Lossless', artist: 'Bob Hertz', year: 2019, tracks: 2 })]);
    expect(catalog.tracks({ offset: 0, limit: 10, albumId: albums.albums[0]!.id }).tracks.map((t) => t.title)).toEqual(['Flac Hum', 'Apple Hum']);
    expect(catalog.folder(0, '')).toMatchObject({ roots: ['Music'], folders: ['Ada Tones', 'Bob Hertz', 'Various'], tracks: [] });
    expect(catalog.folder(0, 'Ada Tones')).toMatchObject({ folders: ['Ada Tones/Sine Works'], tracks: [] });
    expect(catalog.folder(0, 'Ada Tones/Sine Works').tracks).toHaveLength(2);
    const found = catalog.search('wave', { offset: 0, limit: 50 });
    expect(found.tracks.map((t) => t.title).sort()).toEqual(['Opus', 'Vorbis', 'Wave']);
    expect(catalog.search('100%_', { offset: 0, limit: 50 }).tracks).toEqual([]);
  });

  it('serves covers: embedded art, then folder art', async () => {
    const tracks = catalog.tracks({ offset: 0, limit: 100 }).tracks;
    const embedded = await catalog.cover(tracks.find((t) => t.title === 'First')!.id);
    expect(embedded.mime).toBe('image/png');
    expect([...embedded.bytes.subarray(1, 4)]).toEqual([...Buffer.from('PNG')]);
    const folder = await catalog.cover(tracks.find((t) => t.title === 'Flac Hum')!.id);
    expect(folder.mime).toBe('image/jpeg');
    expect(folder.bytes[0]).toBe(0xff);
    await expect(catalog.cover(tracks.find((t) => t.title === 'Wave')!.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses what is not an indexed file inside a shared folder', async () => {
    await expect(catalog.openTrack('unknownTrackId')).rejects.toMatchObject({ code: 'not_found' });
    expect(() => catalog.folder(0, '../')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => catalog.folder(0, 'Ada Tones/../..')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => catalog.folder(0, '/etc')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => catalog.folder(5, '')).toThrow(expect.objectContaining({ code: 'not_found' }));
    // A file swapped for a link out after the scan is refused when opened.
    const wave = catalog.tracks({ offset: 0, limit: 100 }).tracks.find((t) => t.title === 'Wave')!;
    const file = path.join(lib.dir, 'Various/Open Formats/03 Wave.wav');
    await copyFile(file, path.join(work, 'wave.bak'));
    await unlink(file);
    await symlink(path.join(work, 'secret.mp3'), file);
    await expect(catalog.openTrack(wave.id)).rejects.toMatchObject({ code: 'forbidden' });
    await unlink(file);
    await copyFile(path.join(work, 'wave.bak'), file);
    const opened = await catalog.openTrack(wave.id);
    expect(opened.mime).toBe('audio/wav');
    await opened.handle.close();
  });

  it('a rescan reads only changed files and drops removed ones', async () => {
    const reopened = IndexDb.open(path.join(work, 'index.sqlite'));
    try {
      // The restored wave file has a new mtime: it is the only one read again.
      expect(await scan(reopened, [lib.dir])).toMatchObject({ tracks: 7, added: 0, updated: 1, unchanged: 6 });
      expect(await scan(reopened, [lib.dir])).toMatchObject({ tracks: 7, added: 0, updated: 0, unchanged: 7 });
      const first = path.join(lib.dir, 'Ada Tones/Sine Works/01 First.mp3');
      const later = new Date(Date.now() + 60_000);
      await utimes(first, later, later);
      await unlink(path.join(lib.dir, 'Various/Open Formats/01 Vorbis.ogg'));
      const progress: number[] = [];
      const result = await scan(reopened, [lib.dir], (p) => progress.push(p.total));
      expect(result).toMatchObject({ tracks: 6, added: 0, updated: 1, removed: 1, unchanged: 5 });
      expect(progress.every((t) => t === 1)).toBe(true);
    } finally {
      reopened.close();
    }
  });
});
