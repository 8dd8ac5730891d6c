import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How long one SIGTERM may take (it acts at ffmpeg's next packet) before the second one. */
const SECOND_SIGNAL_MS = 400;
/** How long ffmpeg gets to finish the file after it is asked to stop, before it is killed. */
const STOP_GRACE_MS = 5000;
/** How long ffmpeg may take to bind its RTP port before packets are sent anyway. */
const BIND_WAIT_MS = 10_000;
const BIND_POLL_MS = 20;
/**
 * Packets held while ffmpeg starts (a second or more on a busy machine), then sent paced so the
 * socket's receive buffer never overflows: half a minute of the studio's 10 ms frames at most.
 */
const QUEUE_LIMIT = 3000;
const BURST = 16;
const BURST_GAP_MS = 2;
/** The payload type the stitched stream carries (any dynamic one; the SDP names it). */
export const RECORDING_PAYLOAD_TYPE = 100;

/**
 * `count` distinct UDP ports nobody uses right now (the OS picks them; ffmpeg binds them a moment
 * later). They are held together, so the OS cannot hand the same one out twice.
 */
async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => resolve());
      });
      return socket;
    }),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** Whether a local UDP port is bound (Linux: /proc/net/udp lists it in hex); elsewhere, assume so. */
async function udpPortBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const tables = await Promise.all(['/proc/net/udp', '/proc/net/udp6'].map((f) => readFile(f, 'utf8').catch(() => undefined)));
  if (tables.every((t) => t === undefined)) return true;
  return tables.some((t) => t?.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex)));
}

/** The SDP that tells ffmpeg where the RTP arrives and what it carries (Opus, stereo). */
export function opusSdp(rtpPort: number, rtcpPort: number, payloadType: number): string {
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=roomcast-recording',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP ${payloadType}`,
    `a=rtcp:${rtcpPort}`,
    `a=rtpmap:${payloadType} opus/48000/2`,
    `a=fmtp:${payloadType} sprop-stereo=1`,
    'a=recvonly',
    '',
  ].join('\n');
}

/**
 * One ffmpeg that copies an Opus RTP stream (sent with `send`, on loopback) into an Ogg file,
 * no transcoding. It is started once per recording and lives as long as it: packets sent
 * while it starts are held and delivered once it listens, so nothing of the start is lost.
 */
export class Recorder {
  readonly #queue: Buffer[] = [];
  #ready = false;
  #pumping: ReturnType<typeof setTimeout> | undefined;
  #stopped: Promise<void> | undefined;
  #stderr = '';
  #bound: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly sdpFile: string,
    private readonly rtpPort: number,
    private readonly socket: Socket,
    private readonly ffmpeg: ChildProcess,
    private readonly exited: Promise<void>,
  ) {
    ffmpeg.stderr!.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-2000)));
  }

  /** Starts ffmpeg; resolves at once (packets queue until it listens). */
  static async start(file: string, ffmpegPath = 'ffmpeg'): Promise<Recorder> {
    // The sending socket first, so ffmpeg's ports cannot be the one it takes.
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const [rtpPort, rtcpPort] = (await freeUdpPorts(2)) as [number, number];
    const sdpFile = `${file}.sdp`;
    await writeFile(sdpFile, opusSdp(rtpPort, rtcpPort, RECORDING_PAYLOAD_TYPE));
    // No probing (0 would mean the default 5 s): the SDP says everything. A probing ffmpeg that is
    // stopped leaves no file at all.
    const ffmpeg = spawn(
      ffmpegPath,
      [
        '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-analyzeduration', '1', '-probesize', '32',
        '-f', 'sdp', '-i', sdpFile, '-map', '0:a:0', '-c:a', 'copy', '-flush_packets', '1', '-page_duration', '100000', '-f', 'ogg', '-y', file,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // A missing ffmpeg fails with 'error' and may never 'exit': the recording then holds nothing.
    const exited = new Promise<void>((resolve) => (ffmpeg.once('exit', () => resolve()), ffmpeg.once('error', () => resolve())));
    const recorder = new Recorder(file, sdpFile, rtpPort, socket, ffmpeg, exited);
    void exited.then(() => recorder.#close());
    recorder.#bound = recorder.#whenBound();
    return recorder;
  }

  async #whenBound(): Promise<void> {
    let gone = false;
    void this.exited.then(() => (gone = true));
    const deadline = Date.now() + BIND_WAIT_MS;
    while (!gone && Date.now() < deadline && !(await udpPortBound(this.rtpPort))) await new Promise((resolve) => setTimeout(resolve, BIND_POLL_MS));
    this.#ready = true;
    this.#pump();
  }

  /** One RTP packet for the file. */
  send(packet: Buffer): void {
    if (this.#closed) return;
    if (this.#queue.length >= QUEUE_LIMIT) this.#queue.shift();
    this.#queue.push(packet);
    this.#pump();
  }

  #pump(): void {
    if (!this.#ready || this.#pumping || this.#closed) return;
    for (const packet of this.#queue.splice(0, BURST)) this.socket.send(packet, this.rtpPort, '127.0.0.1');
    if (this.#queue.length) this.#pumping = setTimeout(() => ((this.#pumping = undefined), this.#pump()), BURST_GAP_MS);
  }

  #closed = false;
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#pumping);
    this.socket.close();
  }

  get running(): boolean {
    return this.ffmpeg.exitCode === null && this.ffmpeg.signalCode === null;
  }

  /**
   * Lets ffmpeg finish the file once the held packets are out. A SIGTERM ends it cleanly at its
   * next packet, which `wake` provides; should none arrive, a second SIGTERM interrupts its read
   * (the file then lacks only its end-of-stream page: 100 ms pages are flushed as they fill).
   * Idempotent.
   */
  stop(wake?: () => Buffer): Promise<void> {
    this.#stopped ??= (async () => {
      const exitedWithin = (ms: number) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          void this.exited.then(() => (clearTimeout(timer), resolve(true)));
        });
      // ffmpeg itself can take seconds to start on a busy machine: what it was sent is held till then.
      await this.#bound;
      while (this.running && this.#queue.length) await new Promise((resolve) => setTimeout(resolve, BURST_GAP_MS));
      if (this.running) {
        this.ffmpeg.kill('SIGTERM');
        if (wake && this.#ready && !this.#closed) this.socket.send(wake(), this.rtpPort, '127.0.0.1');
      }
      if (!(await exitedWithin(SECOND_SIGNAL_MS)) && this.running) this.ffmpeg.kill('SIGTERM');
      if (!(await exitedWithin(STOP_GRACE_MS)) && this.running) this.ffmpeg.kill('SIGKILL');
      await this.exited;
      this.#close();
      await rm(this.sdpFile, { force: true });
    })();
    return this.#stopped;
  }

  /** Bytes written so far. */
  bytes(): Promise<number> {
    return stat(this.file).then((s) => s.size, () => 0);
  }

  /** ffmpeg's last words (errors only), for the log when a recording ends badly. */
  stderrTail(): string {
    return this.#stderr.trim().slice(-500);
  }

  get name(): string {
    return path.basename(this.file);
  }
}
