import { copyFile, mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { IndexDb } from './index-db.js';
import { scan } from './scanner.js';
import { FIXTURE, makeTrack } from './testing/fixture.js';
import { LibraryWatcher, type IndexChange } from './watcher.js';

let work: string;
let music: string;
let staging: string;
let index: IndexDb;
let catalog: Catalog;
let watcher: LibraryWatcher;
const changes: IndexChange[] = [];
let wake = () => {};

/** Resolves once `check` holds, re-checked after every batch the watcher applies (no polling, no sleeps). */
async function until<T>(check: () => T | undefined | false): Promise<T> {
  for (;;) {
    const value = check();
    if (value) return value;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

const byTitle = (title: string) => catalog.search(title, { offset: 0, limit: 10 }).tracks.find((t) => t.title === title);
const base = { ...FIXTURE[0]!, album: 'Watched', albumArtist: 'Watcher', artist: 'Watcher', cover: null } as const;

/** Encodes away from the library, so only the copy into it is seen (as when a person copies a file in). */
async function staged(name: string, title: string): Promise<string> {
  const file = path.join(staging, name);
  await makeTrack(file, { ...base, title }, 1);
  return file;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'roomcast-watch-'));
  music = path.join(work, 'Music');
  staging = path.join(work, 'staging');
  await mkdir(staging, { recursive: true });
  await makeTrack(path.join(music, 'Old/01 Old.mp3'), { ...base, title: 'Old' }, 1);
  await writeFile(path.join(work, 'secret.mp3'), 'outside the shared folder');
  index = IndexDb.open(path.join(work, 'index.sqlite'));
  catalog = new Catalog(index);
  await scan(index, [music]);
  watcher = await LibraryWatcher.start(index, {
    settleMs: 200,
    onChange: (c) => {
      changes.push(c);
      wake();
    },
  });
});
afterAll(async () => {
  await watcher?.close();
  index?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('folder watching', () => {
  it('a file copied into a new folder is indexed with its tags, without a rescan', async () => {
    const file = await staged('new.mp3', 'Fresh');
    await mkdir(path.join(music, 'New'), { recursive: true });
    await copyFile(file, path.join(music, 'New/01 Fresh.mp3'));
    const track = await until(() => byTitle('Fresh'));
    expect(track).toMatchObject({ artist: 'Watcher', album: 'Watched', folder: 'New', hasCover: false });
    expect(track.durationMs).toBeGreaterThan(900);
    expect(changes.at(-1)).toMatchObject({ added: 1, tracks: 2 });
  });

  it('a file rewritten in place is read again: new tags, same id', async () => {
    const before = byTitle('Fresh')!;
    const file = await staged('retagged.mp3', 'Fresher');
    await copyFile(file, path.join(music, 'New/01 Fresh.mp3'));
    const after = await until(() => byTitle('Fresher'));
    expect(after.id).toBe(before.id);
    expect(byTitle('Fresh')).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ updated: 1, tracks: 2 });
  });

  it('folder art added beside tracks becomes their cover; removed, it goes', async () => {
    const art = path.join(music, 'New/cover.jpg');
    await writeFile(art, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    await until(() => byTitle('Fresher')?.hasCover);
    await unlink(art);
    await until(() => byTitle('Fresher')?.hasCover === false);
  });

  it('a symlink pointing out of the folder and a file that is not audio stay out of the index', async () => {
    await symlink(path.join(work, 'secret.mp3'), path.join(music, 'New/escape.mp3'));
    await writeFile(path.join(music, 'New/notes.txt'), 'not audio');
    // A good file after them: once it is in, the two before it have been seen too.
    await copyFile(await staged('third.mp3', 'Third'), path.join(music, 'New/03 Third.mp3'));
    await until(() => byTitle('Third'));
    await watcher.settled();
    expect(catalog.tracks({ offset: 0, limit: 100 }).tracks.map((t) => t.title).sort()).toEqual(['Fresher', 'Old', 'Third']);
  });

  it('a removed file leaves the index; a folder moved away takes its tracks with it', async () => {
    await unlink(path.join(music, 'Old/01 Old.mp3'));
    await until(() => !byTitle('Old') && changes.at(-1)?.removed);
    await rename(path.join(music, 'New'), path.join(work, 'moved-out'));
    const last = await until(() => index.count() === 0 && changes.at(-1));
    expect(last.tracks).toBe(0);
  });
});
