// Shared by the transcode queue tests: videos made straight from a file, and what ffprobe says.
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../db/types.js';
import { shortId } from '../db/ids.js';
import { probe } from '../videos/ffmpeg.js';
import type { TranscodeProgress, TranscodeQueue } from '../videos/transcode-queue.js';
import { VideoFiles } from '../videos/video-files.js';
import { sqliteDatabase, type TestDatabase } from './databases.js';

/** Resolves with the first progress event that matches. */
export const nextEvent = (queue: TranscodeQueue, match: (e: TranscodeProgress) => boolean) =>
  new Promise<TranscodeProgress>((resolve) => {
    const off = queue.onProgress((e) => {
      if (!match(e)) return;
      off();
      resolve(e);
    });
  });

export interface StreamInfo {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

export const ffprobeStreams = (file: string): StreamInfo[] =>
  JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', file], { encoding: 'utf8' })).streams;

/** Top-level MP4 box types in order: +faststart puts `moov` before `mdat`. */
export async function mp4Boxes(file: string): Promise<string[]> {
  const bytes = await readFile(file);
  const types: string[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    types.push(bytes.toString('latin1', at + 4, at + 8));
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size < 8) break;
    at += size;
  }
  return types;
}

/** A video row with this file as its source, as an upload leaves it (a non-video gets made-up facts). */
export async function addVideoFrom(db: Database, files: VideoFiles, ownerId: string, source: string) {
  const id = shortId();
  await mkdir(files.dir(id), { recursive: true });
  await copyFile(source, files.source(id, 'mp4'));
  const info = await probe(source).catch(() => ({ durationMs: 1000, width: 320, height: 240, hasAudio: false }));
  return db.videos.create({ id, ownerId, title: 'clip', sourceName: 'clip.mp4', sourceBytes: 1, durationMs: info.durationMs, width: info.width, height: info.height, hasAudio: info.hasAudio });
}

/** What a transcode test works in: a SQLite database with an owner, a data folder, a clips folder. */
export interface TranscodeWorkspace {
  target: TestDatabase;
  db: Database;
  dataDir: string;
  clips: string;
  files: VideoFiles;
  ownerId: string;
  addVideo(source: string): ReturnType<typeof addVideoFrom>;
  close(): Promise<void>;
}

export async function transcodeWorkspace(openDatabase: (url: string) => Promise<Database>): Promise<TranscodeWorkspace> {
  const target = await sqliteDatabase();
  const db = await openDatabase(target.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'roomcast-videos-'));
  const clips = await mkdtemp(join(tmpdir(), 'roomcast-clips-'));
  const files = new VideoFiles(dataDir);
  await files.ensure();
  const ownerId = (await db.users.create({ displayName: 'Owner' })).id;
  return {
    target, db, dataDir, clips, files, ownerId,
    addVideo: (source) => addVideoFrom(db, files, ownerId, source),
    async close() {
      await db.close();
      await target.drop();
      for (const dir of [dataDir, clips]) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a TypeScript entry in its own process group (so a SIGKILL takes its ffmpeg along, as a
 * crashed machine would). @returns the child and kill(), which resolves once it is gone.
 */
export function spawnWorkerProcess(entry: URL, env: Record<string, string>, stdio: 'pipe' | 'ignore' = 'ignore') {
  const child = spawn(process.execPath, ['--conditions=roomcast-source', '--import', 'tsx', fileURLToPath(entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdio, 'inherit'],
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    async kill() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}
