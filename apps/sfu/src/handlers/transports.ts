import { ortc, type types } from 'mediasoup';
import { RoomcastError } from '@roomcast/shared';
import { EMPTY, as, blob, type HandlerContext, type Handlers } from './context.js';

type TransportMethods = 'transport.create' | 'transport.connect' | 'transport.restartIce' | 'transport.close';

export function transportHandlers(ctx: HandlerContext): Handlers<TransportMethods> {
  const { server } = ctx;
  const own = (roomId: string, peerId: string, transportId: string) => ctx.room(roomId).existingPeer(peerId).transport(transportId);
  return {
    'transport.create': async ({ roomId, peerId, direction, sctp, rtpCapabilities }) => {
      const room = ctx.room(roomId);
      // Capabilities only matter on a receive transport (they say what the device can decode).
      const caps = direction === 'recv' && rtpCapabilities ? checkedCapabilities(rtpCapabilities) : undefined;
      const peer = room.peer(peerId);
      // A listening transport goes where the room has room for one more listener (an edge router
      // past the per-router limit); sending and data-only transports stay on the main router.
      const home = caps ? await room.homeFor(peer) : { router: room.router, webRtcServer: room.webRtcServer };
      const transport = await peer.create('transports', () =>
        ctx.made(
          'transports',
          { roomId, peerId },
          home.router.createWebRtcTransport({
            webRtcServer: home.webRtcServer,
            enableUdp: true,
            enableTcp: true,
            preferUdp: true,
            enableSctp: sctp,
            initialAvailableOutgoingBitrate: server.config.initialOutgoingBitrate,
            appData: { peerId, direction, routerId: home.router.id },
          }),
        ),
      );
      if (caps) peer.consumeWith(transport, caps);
      return {
        id: transport.id,
        iceParameters: blob(transport.iceParameters),
        iceCandidates: transport.iceCandidates.map(blob),
        dtlsParameters: blob(transport.dtlsParameters),
        ...(transport.sctpParameters ? { sctpParameters: blob(transport.sctpParameters) } : {}),
      };
    },
    'transport.connect': async ({ roomId, peerId, transportId, dtlsParameters }) => {
      await own(roomId, peerId, transportId).connect({ dtlsParameters: as<types.DtlsParameters>(dtlsParameters) });
      return EMPTY;
    },
    'transport.restartIce': async ({ roomId, peerId, transportId }) => ({
      iceParameters: blob(await own(roomId, peerId, transportId).restartIce()),
    }),
    'transport.close': async ({ roomId, peerId, transportId }) => {
      own(roomId, peerId, transportId).close();
      return EMPTY;
    },
  };
}

/** Bad capabilities are the client's fault: say so at once, not later as silently skipped consumers. */
function checkedCapabilities(rtpCapabilities: object): types.RtpCapabilities {
  const caps = structuredClone(rtpCapabilities) as types.RtpCapabilities;
  try {
    ortc.validateAndNormalizeRtpCapabilities(caps);
  } catch (error) {
    throw new RoomcastError('bad_request', `invalid rtpCapabilities: ${(error as Error).message}`);
  }
  return caps;
}
