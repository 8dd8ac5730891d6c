/**
 * Load for the SFU benchmarks (sfu-cost, soak): an ffmpeg speaker and WebRTC listeners from Node
 * (@roamhq/wrtc driven by mediasoup-client), both through the SFU's normal control path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import wrtc from '@roamhq/wrtc';
import { Device } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import type { types as client } from 'mediasoup-client';
import type { LocalSfuControl, SfuServer } from '@roomcast/sfu';

Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  MediaStream: wrtc.MediaStream,
});

/** A PlainTransport (comedia, RTCP on its own port) and its Opus producer, registered as peer `peerId`'s producer. */
export async function plainProducer(
  server: SfuServer,
  roomId: string,
  { peerId = 'speaker', ssrc = 22222222, pt = 101 }: { peerId?: string; ssrc?: number; pt?: number } = {},
): Promise<{ producerId: string; peerId: string; rtpPort: number; rtcpPort: number }> {
  const room = await server.room(roomId);
  const transport = await room.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', clockRate: 48000, payloadType: pt, channels: 2, parameters: { 'sprop-stereo': 1 } }],
      encodings: [{ ssrc }],
    },
    appData: { peerId },
  });
  // Registered like any member's producer, so listeners consume it through the normal control path.
  room.peer(peerId).reserve('producers').adopt(producer);
  return { producerId: producer.id, peerId, rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple!.localPort };
}

/** ffmpeg sending a stereo Opus tone (20 ms packets) as RTP to `url`; extra output options after the codec's. */
export function opusTone(url: string, { hz = 440, ssrc = 22222222, pt = 101, kbps = 96, extra = [] as string[] } = {}): ChildProcess {
  return spawn('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000`,
    '-ac', '2', '-c:a', 'libopus', '-b:a', `${kbps}k`, '-payload_type', String(pt), '-ssrc', String(ssrc), ...extra, '-f', 'rtp', url], { stdio: 'ignore' });
}

/**
 * A speaker: ffmpeg sends a stereo Opus tone as RTP into a PlainTransport; registered as peer
 * `peerId`'s producer. `kbps`: 96 for a voice-room speaker, the DJ bitrate for a broadcast.
 */
export async function startSpeaker(
  server: SfuServer,
  roomId: string,
  { peerId = 'speaker', ssrc = 22222222, hz = 440, kbps = 96 }: { peerId?: string; ssrc?: number; hz?: number; kbps?: number } = {},
): Promise<{ producerId: string; peerId: string; stop: () => void }> {
  const { producerId, rtpPort, rtcpPort } = await plainProducer(server, roomId, { peerId, ssrc });
  const ffmpeg = opusTone(`rtp://127.0.0.1:${rtpPort}?rtcpport=${rtcpPort}&pkt_size=1200`, { hz, ssrc, kbps });
  return { producerId, peerId, stop: () => ffmpeg.kill('SIGKILL') };
}

export interface Listener {
  peerId: string;
  transport: client.Transport;
  consumerIds: string[];
}

/** One listener: its own recv transport and peer connection, consuming `producerIds`; resolves once connected. */
export async function addListener(control: LocalSfuControl, roomId: string, caps: client.RtpCapabilities, producerIds: string[], peerId: string): Promise<Listener> {
  const device = new Device({ handlerFactory: Chrome111.createFactory({}) });
  await device.load({ routerRtpCapabilities: caps });
  // With the device's capabilities the recv transport is the one the SFU creates consumers on.
  const options = await control.request('transport.create', { roomId, peerId, direction: 'recv', rtpCapabilities: device.rtpCapabilities as never });
  const transport = device.createRecvTransport(options as unknown as client.TransportOptions);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    control.request('transport.connect', { roomId, peerId, transportId: transport.id, dtlsParameters: dtlsParameters as never }).then(() => done(), fail);
  });
  const connected = new Promise<void>((resolve, reject) => {
    transport.on('connectionstatechange', (state) => {
      if (state === 'connected') resolve();
      if (state === 'failed') reject(new Error(`${peerId}: transport failed`));
    });
  });
  // It may fail before it is awaited below (the requests in between take time): not unhandled.
  connected.catch(() => undefined);
  const { consumers } = await control.request('consumer.createMany', { roomId, peerId, producerIds });
  if (consumers.length === 0) throw new Error(`${peerId}: the SFU created no consumer`);
  for (const c of consumers) await transport.consume({ id: c.consumerId, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters as never });
  await control.request('consumer.resumeMany', { roomId, peerId, consumerIds: consumers.map((c) => c.consumerId) });
  await connected;
  return { peerId, transport, consumerIds: consumers.map((c) => c.consumerId) };
}
