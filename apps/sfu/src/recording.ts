import { execFile } from 'node:child_process';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { RoomcastError } from '@roomcast/shared';
import type { types } from 'mediasoup';
import { Recorder } from './recorder.js';

const run = promisify(execFile);

/** Bytes of a segment that holds no more than Ogg headers (its producer never sent a packet). */
const EMPTY_SEGMENT_BYTES = 200;

/**
 * One broadcast's recording, made of segments: the program's producer changes when the studio
 * reloads, its connection drops or the room moves to another worker, and each producer is
 * recorded as its own segment. `finish` joins them into `<id>.ogg` (Opus copied, no
 * transcoding), so a broadcast keeps one archive however often its studio came back; the
 * moments the studio was away are not in the file.
 */
export class Recording {
  readonly #segments: Recorder[] = [];
  #finished: Promise<string | null> | undefined;

  constructor(
    readonly id: string,
    readonly roomId: string,
    private readonly dir: string,
    private readonly ffmpegPath = 'ffmpeg',
  ) {}

  /** The archive's name once finished. */
  get name(): string {
    return `${this.id}.ogg`;
  }

  get segments(): number {
    return this.#segments.length;
  }

  /** Records `producerId` from now on; the segment before it ends (its producer is usually gone already). */
  async record(router: types.Router, producerId: string): Promise<Recorder> {
    if (this.#finished) throw new RoomcastError('conflict', `recording ${this.id} has finished`);
    const previous = this.#segments.at(-1);
    const recorder = await Recorder.start(router, producerId, path.join(this.dir, `${this.id}.${this.#segments.length + 1}.ogg`), this.ffmpegPath);
    this.#segments.push(recorder);
    void previous?.stop();
    // Finished while this segment started: it ends with the others.
    if (this.#finished) void recorder.stop();
    return recorder;
  }

  /** Bytes written by each segment so far (what the log says when a recording ends). */
  async sizes(): Promise<number[]> {
    return Promise.all(this.#segments.map((segment) => stat(segment.file).then((s) => s.size, () => 0)));
  }

  async packetsSent(): Promise<number[]> {
    return Promise.all(this.#segments.map((segment) => segment.packetsSent()));
  }

  /** Ends every segment and joins them into the archive; resolves with its name, or null when nothing was recorded. Idempotent. */
  finish(): Promise<string | null> {
    this.#finished ??= (async () => {
      await Promise.all(this.#segments.map((s) => s.stop()));
      const sizes = await this.sizes();
      const files = this.#segments.filter((_, i) => sizes[i]! > EMPTY_SEGMENT_BYTES).map((s) => s.file);
      await Promise.all(this.#segments.filter((_, i) => sizes[i]! <= EMPTY_SEGMENT_BYTES).map((s) => rm(s.file, { force: true })));
      const target = path.join(this.dir, this.name);
      if (files.length === 0) return null;
      if (files.length === 1) await rename(files[0]!, target);
      else await this.#join(files, target);
      return this.name;
    })();
    return this.#finished;
  }

  /** ffmpeg's concat demuxer: each segment's timestamps follow the previous one's end. */
  async #join(files: string[], target: string): Promise<void> {
    const list = path.join(this.dir, `${this.id}.segments.txt`);
    // Ids are url-safe (the schema checks them), so a path needs no quoting beyond the quotes.
    await writeFile(list, files.map((f) => `file '${f}'\n`).join(''));
    try {
      await run(this.ffmpegPath, ['-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-f', 'ogg', '-y', target]);
      await Promise.all(files.map((f) => rm(f, { force: true })));
    } finally {
      await rm(list, { force: true });
    }
  }

  /** ffmpeg's complaints of every segment, for the log. */
  stderrTail(): string {
    return this.#segments
      .map((s) => s.stderrTail())
      .filter(Boolean)
      .join('\n')
      .slice(-500);
  }
}
