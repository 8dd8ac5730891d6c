import { pino } from 'pino';
import { expect } from 'vitest';
import type { JsonBlob, SfuControl } from '@roomcast/shared';
import { SfuConfig } from '../config.js';
import { LocalSfuControl, type LocalSfuControlOptions } from '../control.js';
import { SfuServer, type SfuServerOptions } from '../server.js';

/** A real SFU on loopback with free ports (SFU_PORT=0), silent. Tests close it. */
export async function startSfu(
  config: Partial<SfuConfig> = {},
  options: SfuServerOptions & LocalSfuControlOptions = {},
): Promise<{ server: SfuServer; control: LocalSfuControl }> {
  const server = await SfuServer.create(SfuConfig.parse({ workers: 1, listenIp: '127.0.0.1', port: 0, ...config }), pino({ level: 'silent' }), options);
  return { server, control: new LocalSfuControl(server, options) };
}

let ssrc = 1000;
/** Opus RTP parameters a browser would send; a fresh SSRC each time so one transport can carry several. */
export const opus = (): JsonBlob => ({
  codecs: [{ mimeType: 'audio/opus', clockRate: 48000, payloadType: 111, channels: 2, parameters: { useinbandfec: 1 } }],
  encodings: [{ ssrc: ssrc++ }],
});

/** A device that can only decode VP8: it cannot consume any audio. */
export const vp8Only: JsonBlob = {
  codecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96 }],
  headerExtensions: [],
};

/** A peer with a send transport and one microphone; returns the producer's id. */
export async function speak(control: SfuControl, roomId: string, peerId: string): Promise<{ transportId: string; producerId: string }> {
  const { id: transportId } = await control.request('transport.create', { roomId, peerId, direction: 'send' });
  const { producerId } = await control.request('producer.create', { roomId, peerId, transportId, kind: 'audio', rtpParameters: opus() });
  return { transportId, producerId };
}

/** A peer with a consuming (recv + capabilities) transport. */
export async function listen(control: SfuControl, roomId: string, peerId: string, rtpCapabilities: JsonBlob): Promise<string> {
  const { id } = await control.request('transport.create', { roomId, peerId, direction: 'recv', rtpCapabilities });
  return id;
}

/**
 * What the router itself holds (its worker's own dump) equals what `room.inspect` reports by
 * peer, and the departed peer is in neither: nothing it made outlived its leave.
 */
export async function expectNothingLeft(server: SfuServer, control: SfuControl, roomId: string, departed: string): Promise<void> {
  const { peers } = await control.request('room.inspect', { roomId });
  expect(peers.map((p) => p.peerId)).not.toContain(departed);
  const dump = await server.findRoom(roomId)!.router.dump();
  const sorted = (ids: Iterable<string>) => [...ids].sort();
  expect(sorted(dump.transportIds)).toEqual(sorted(peers.flatMap((p) => p.transports)));
  expect(sorted(dump.mapProducerIdConsumerIds.map((e) => e.key))).toEqual(sorted(peers.flatMap((p) => p.producers.map((x) => x.id))));
  expect(sorted(dump.mapConsumerIdProducerId.map((e) => e.key))).toEqual(sorted(peers.flatMap((p) => p.consumers.map((x) => x.id))));
}
