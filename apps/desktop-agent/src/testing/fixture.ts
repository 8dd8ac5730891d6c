import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FixtureTrack {
  file: string;
  artist: string;
  albumArtist: string;
  album: string;
  title: string;
  track: number;
  year: number;
  genre: string;
  /** Tone of the first half, then of the second (seeking to 50 % changes the pitch). */
  hz: [number, number];
  codec: 'mp3' | 'flac' | 'm4a' | 'ogg' | 'opus' | 'wav';
  cover: 'embedded' | 'folder' | null;
}

/** The generated library (WAV's INFO tags have no album artist, so its artist is the album's): 3 album artists, 3 albums, every supported format, both kinds of cover art. */
export const FIXTURE: FixtureTrack[] = [
  { file: 'Ada Tones/Sine Works/01 First.mp3', artist: 'Ada Tones', albumArtist: 'Ada Tones', album: 'Sine Works', title: 'First', track: 1, year: 2021, genre: 'Ambient', hz: [440, 880], codec: 'mp3', cover: 'embedded' },
  { file: 'Ada Tones/Sine Works/02 Second.mp3', artist: 'Ada Tones', albumArtist: 'Ada Tones', album: 'Sine Works', title: 'Second', track: 2, year: 2021, genre: 'Ambient', hz: [550, 1100], codec: 'mp3', cover: 'embedded' },
  { file: 'Bob Hertz/Lossless/01 Flac Hum.flac', artist: 'Bob Hertz', albumArtist: 'Bob Hertz', album: 'Lossless', title: 'Flac Hum', track: 1, year: 2019, genre: 'Drone', hz: [660, 330], codec: 'flac', cover: 'folder' },
  { file: 'Bob Hertz/Lossless/02 Apple Hum.m4a', artist: 'Bob Hertz', albumArtist: 'Bob Hertz', album: 'Lossless', title: 'Apple Hum', track: 2, year: 2019, genre: 'Drone', hz: [770, 385], codec: 'm4a', cover: 'folder' },
  { file: 'Various/Open Formats/01 Vorbis.ogg', artist: 'Cy Wave', albumArtist: 'Various', album: 'Open Formats', title: 'Vorbis', track: 1, year: 2024, genre: 'Test', hz: [500, 1000], codec: 'ogg', cover: null },
  { file: 'Various/Open Formats/02 Opus.opus', artist: 'Di Wave', albumArtist: 'Various', album: 'Open Formats', title: 'Opus', track: 2, year: 2024, genre: 'Test', hz: [600, 1200], codec: 'opus', cover: null },
  { file: 'Various/Open Formats/03 Wave.wav', artist: 'Various', albumArtist: 'Various', album: 'Open Formats', title: 'Wave', track: 3, year: 2024, genre: 'Test', hz: [700, 1400], codec: 'wav', cover: null },
];

const CODEC_ARGS: Record<FixtureTrack['codec'], string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3'],
  flac: ['-c:a', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '128k'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '3'],
  opus: ['-c:a', 'libopus', '-b:a', '96k'],
  wav: ['-c:a', 'pcm_s16le'],
};

/** A tone that switches pitch at half its length, so a listener knows which half it hears. */
export async function makeTrack(file: string, t: Omit<FixtureTrack, 'file'>, seconds: number, coverPng?: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const half = seconds / 2;
  const expr = `0.5*sin(2*PI*if(lt(t,${half}),${t.hz[0]},${t.hz[1]})*t)`;
  const withCover = t.cover === 'embedded' && coverPng;
  const tags = { artist: t.artist, album_artist: t.albumArtist, album: t.album, title: t.title, track: String(t.track), date: String(t.year), genre: t.genre };
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:d=${seconds}`,
    ...(withCover ? ['-i', coverPng, '-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic', '-metadata:s:v', 'comment=Cover (front)'] : []),
    ...CODEC_ARGS[t.codec],
    ...Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]),
    file,
  ];
  await run('ffmpeg', args);
}

/** Generates FIXTURE under a new temp folder; `seconds` per track. Call `remove` when done. */
export async function makeLibrary(seconds = 2): Promise<{ dir: string; tracks: FixtureTrack[]; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomcast-lib-'));
  const music = path.join(dir, 'Music');
  const cover = path.join(dir, 'cover.png');
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=64x64', '-frames:v', '1', cover]);
  // Two at a time: the machine has two cores shared with others.
  for (let i = 0; i < FIXTURE.length; i += 2) {
    await Promise.all(FIXTURE.slice(i, i + 2).map((t) => makeTrack(path.join(music, t.file), t, seconds, cover)));
  }
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=blue:s=64x64', '-frames:v', '1', path.join(music, 'Bob Hertz/Lossless/cover.jpg')]);
  return { dir: music, tracks: FIXTURE, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `count` copies of one file in folders of 100: enough files for a scan benchmark without 1,000 encodes. */
export async function copies(source: string, dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, `Batch ${String(Math.floor(i / 100)).padStart(2, '0')}`);
    if (i % 100 === 0) await mkdir(folder, { recursive: true });
    await copyFile(source, path.join(folder, `${String(i).padStart(4, '0')}.mp3`));
  }
}
