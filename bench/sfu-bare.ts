/**
 * A bare mediasoup router for bench/sfu-cost: its own worker on the same binary
 * (MEDIASOUP_WORKER_BIN), one Opus codec and nothing else — no WebRtcServer, observers, limits or
 * control path — so the difference from our SFU is our configuration.
 */
import * as mediasoup from 'mediasoup';
import { Device } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import type { types as client } from 'mediasoup-client';

export interface BareSfu {
  pid: number;
  /** The PlainTransport port the speaker's RTP goes to (comedia). */
  rtpPort: number;
  addListener: () => Promise<client.Transport>;
  close: () => void;
}

export async function startBare({ pt, ssrc }: { pt: number; ssrc: number }): Promise<BareSfu> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const producer = await plain.produce({
    kind: 'audio',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', clockRate: 48000, payloadType: pt, channels: 2, parameters: { 'sprop-stereo': 1 } }], encodings: [{ ssrc }] },
  });
  const addListener = async () => {
    const device = new Device({ handlerFactory: Chrome111.createFactory({}) });
    await device.load({ routerRtpCapabilities: router.rtpCapabilities as client.RtpCapabilities });
    const server = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    const transport = device.createRecvTransport({
      id: server.id,
      iceParameters: server.iceParameters,
      iceCandidates: server.iceCandidates as client.IceCandidate[],
      dtlsParameters: server.dtlsParameters as client.DtlsParameters,
    });
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      server.connect({ dtlsParameters: dtlsParameters as mediasoup.types.DtlsParameters }).then(() => done(), fail);
    });
    const connected = new Promise<void>((resolve, reject) => {
      transport.on('connectionstatechange', (state) => {
        if (state === 'connected') resolve();
        if (state === 'failed') reject(new Error('bare listener: transport failed'));
      });
    });
    connected.catch(() => undefined);
    const consumer = await server.consume({ producerId: producer.id, rtpCapabilities: device.rtpCapabilities as mediasoup.types.RtpCapabilities, paused: true });
    await transport.consume({ id: consumer.id, producerId: producer.id, kind: 'audio', rtpParameters: consumer.rtpParameters as client.RtpParameters });
    await consumer.resume();
    await connected;
    return transport;
  };
  return { pid: worker.pid, rtpPort: plain.tuple.localPort, addListener, close: () => worker.close() };
}
