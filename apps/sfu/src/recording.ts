import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { RoomcastError } from '@roomcast/shared';
import type { types } from 'mediasoup';
import { RECORDING_PAYLOAD_TYPE, Recorder } from './recorder.js';
import { RtpStitcher } from './rtp-stitch.js';

/** How often the stitcher looks for an absence to fill: one Opus frame. */
const TICK_MS = 20;

/** What feeds a recording from one producer; `stop` detaches it (the recording goes on). */
export interface RecordingFeed {
  stop(): void;
}

/**
 * One broadcast's recording: one ffmpeg writing `<id>.ogg` from the first producer to the end.
 * The program's producer changes when the studio reloads, its connection drops or the room
 * moves to another worker; each producer is consumed on a DirectTransport of its router and
 * its RTP stitched into the one stream (see RtpStitcher), with silence while the studio is
 * away. So the archive is one file that lasts as long as the broadcast (its chat timeline
 * stays aligned), and ffmpeg's start-up happens once, its first packets held until it listens.
 */
export class Recording {
  #recorder: Promise<Recorder> | undefined;
  #started: Recorder | undefined;
  #stitcher: RtpStitcher | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #feed: { transport: types.DirectTransport } | undefined;
  #feeds = 0;
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

  /** Producers recorded so far. */
  get segments(): number {
    return this.#feeds;
  }

  /** Records `producerId` from now on, after whatever was recorded before (its producer is usually gone already). */
  async record(router: types.Router, producerId: string): Promise<RecordingFeed> {
    if (this.#finished) throw new RoomcastError('conflict', `recording ${this.id} has finished`);
    // ffmpeg starts while the producer is consumed: what comes meanwhile waits in `held`.
    const held: Buffer[] = [];
    this.#recorder ??= Recorder.start(path.join(this.dir, this.name), this.ffmpegPath).then((recorder) => {
      for (const packet of held.splice(0)) recorder.send(packet);
      this.#started = recorder;
      return recorder;
    });
    const stitcher = (this.#stitcher ??= new RtpStitcher((packet) => (this.#started ? this.#started.send(packet) : held.push(packet)), {
      payloadType: RECORDING_PAYLOAD_TYPE,
      ssrc: randomInt(1, 2 ** 32 - 1),
      now: () => performance.now(),
    }));
    this.#ticker ??= setInterval(() => stitcher.tick(), TICK_MS);
    const transport = await router.createDirectTransport();
    try {
      // Plain RTP: no header extension is of use to the file.
      const consumer = await transport.consume({ producerId, rtpCapabilities: { codecs: router.rtpCapabilities.codecs, headerExtensions: [] } });
      if (this.#finished) throw new RoomcastError('conflict', `recording ${this.id} has finished`);
      this.#detach();
      this.#feed = { transport };
      this.#feeds++;
      stitcher.newSource();
      consumer.on('rtp', (packet) => {
        if (this.#feed?.transport === transport) stitcher.push(packet);
      });
    } catch (error) {
      transport.close();
      throw error;
    }
    return { stop: () => this.#feed?.transport === transport && this.#detach() };
  }

  #detach(): void {
    this.#feed?.transport.close();
    this.#feed = undefined;
  }

  async bytes(): Promise<number> {
    return this.#recorder ? (await this.#recorder).bytes() : 0;
  }

  /** RTP packets of the program and of silence sent to the file so far. */
  packets(): { relayed: number; silent: number } {
    return { relayed: this.#stitcher?.relayed ?? 0, silent: this.#stitcher?.silent ?? 0 };
  }

  /** Ends the recording; resolves with the archive's name, or null when no producer's packet was recorded. Idempotent. */
  finish(): Promise<string | null> {
    this.#finished ??= (async () => {
      this.#detach();
      clearInterval(this.#ticker);
      if (!this.#recorder) return null;
      const recorder = await this.#recorder;
      const stitcher = this.#stitcher!;
      await recorder.stop(() => stitcher.silence());
      if (stitcher.relayed > 0) return this.name;
      await rm(recorder.file, { force: true });
      return null;
    })();
    return this.#finished;
  }

  /** ffmpeg's complaints, for the log. */
  async stderrTail(): Promise<string> {
    return this.#recorder ? (await this.#recorder).stderrTail() : '';
  }
}
