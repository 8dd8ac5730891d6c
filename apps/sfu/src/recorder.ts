import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';

/** How long one SIGTERM may take (it acts at ffmpeg's next packet) before the second one. */
const SECOND_SIGNAL_MS = 400;
/** How long ffmpeg gets to finish the file after it is asked to stop, before it is killed. */
const STOP_GRACE_MS = 5000;

/** A UDP port nobody uses right now (the OS picks it; ffmpeg binds it a moment later). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** How long ffmpeg may take to bind its RTP port before the recording starts anyway. */
const BIND_WAIT_MS = 5000;
const BIND_POLL_MS = 20;

/** Whether a local UDP port is bound (Linux: /proc/net/udp lists it in hex); elsewhere, assume so. */
async function udpPortBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const tables = await Promise.all(['/proc/net/udp', '/proc/net/udp6'].map((f) => readFile(f, 'utf8').catch(() => undefined)));
  if (tables.every((t) => t === undefined)) return true;
  return tables.some((t) => t?.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex.trim())));
}

/**
 * Waits until ffmpeg listens on its RTP port (it can take a second or two to start on a busy
 * machine), so the producer's first seconds are not sent to a closed port and lost.
 */
async function boundWithin(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + BIND_WAIT_MS;
  while (!gone && Date.now() < deadline && !(await udpPortBound(port))) await new Promise((resolve) => setTimeout(resolve, BIND_POLL_MS));
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
 * Records one producer to an Ogg/Opus file: a PlainTransport on the room's router sends the
 * producer's RTP to an ffmpeg on loopback, which copies the Opus packets into Ogg (no
 * transcoding, so a recording costs almost nothing). `stop` lets ffmpeg finish the file.
 */
export class Recorder {
  #stopped: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    private readonly sdpFile: string,
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
    private readonly ffmpeg: ChildProcess,
    private readonly exited: Promise<void>,
    /** ffmpeg's last words (errors only), for the log when a recording ends badly. */
    readonly stderrTail: () => string,
  ) {}

  static async start(router: types.Router, producerId: string, file: string, ffmpegPath = 'ffmpeg'): Promise<Recorder> {
    const [rtpPort, rtcpPort] = [await freeUdpPort(), await freeUdpPort()];
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
    try {
      await transport.connect({ ip: '127.0.0.1', port: rtpPort, rtcpPort });
      const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
      const payloadType = consumer.rtpParameters.codecs[0]!.payloadType;
      const sdpFile = `${file}.sdp`;
      await writeFile(sdpFile, opusSdp(rtpPort, rtcpPort, payloadType));
      const ffmpeg = spawn(
        ffmpegPath,
        ['-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-f', 'sdp', '-i', sdpFile, '-map', '0:a:0', '-c:a', 'copy', '-flush_packets', '1', '-page_duration', '100000', '-f', 'ogg', '-y', file],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      ffmpeg.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      const exited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()));
      const failed = new Promise<never>((_, reject) => ffmpeg.once('error', (error) => reject(error)));
      await Promise.race([boundWithin(rtpPort, exited), failed]);
      await Promise.race([consumer.resume(), failed]);
      // An ffmpeg that dies early stops the recording, not the broadcast.
      void exited.then(() => transport.close());
      return new Recorder(file, sdpFile, transport, consumer, ffmpeg, exited, () => stderr.trim().slice(-500));
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /**
   * Lets ffmpeg finish the file. One SIGTERM ends it cleanly at its next packet (the producer
   * still sends while a broadcast ends). With no packet coming (the producer already closed) it
   * would wait forever, so a second SIGTERM interrupts its read: the file then lacks only its
   * end-of-stream page, and pages of 100 ms flushed as they fill keep everything before that.
   * The transport closes once ffmpeg is gone. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const running = () => this.ffmpeg.exitCode === null && this.ffmpeg.signalCode === null;
      const exitedWithin = (ms: number) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          void this.exited.then(() => (clearTimeout(timer), resolve(true)));
        });
      if (running()) this.ffmpeg.kill('SIGTERM');
      if (!(await exitedWithin(SECOND_SIGNAL_MS)) && running()) this.ffmpeg.kill('SIGTERM');
      if (!(await exitedWithin(STOP_GRACE_MS)) && running()) this.ffmpeg.kill('SIGKILL');
      await this.exited;
      this.transport.close();
      await rm(this.sdpFile, { force: true });
    })();
    return this.#stopped;
  }

  /** RTP packets sent to ffmpeg so far (0 once the consumer closed). */
  async packetsSent(): Promise<number> {
    if (this.consumer.closed) return 0;
    const stats = await this.consumer.getStats().catch(() => []);
    return stats.reduce((sum, s) => sum + (s.type === 'outbound-rtp' ? s.packetCount : 0), 0);
  }

  get name(): string {
    return path.basename(this.file);
  }
}
