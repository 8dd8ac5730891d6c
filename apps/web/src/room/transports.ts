import type { JsonBlob } from '@roomcast/shared';
import type { types } from 'mediasoup-client';
import { ApiError } from '../api/errors';
import { DEFAULT_CONNECT_TIMEOUT_MS, watchTransport } from '../media/connectivity';
import { markFirst } from '../lib/marks';
import { IceRecovery } from './ice-recovery';
import type { Direction, JoinSession, OpenTransport } from './join-session';
import type { StateHost } from './state';
import type { LinkState, RoomContext } from './types';

/** Grace for a `disconnected` transport to recover on its own before restarting ICE. */
const ICE_RESTART_DELAY_MS = 2_000;

export interface TransportNeeds {
  /** SCTP for data channels. */
  sctp: boolean;
  /** A receive transport that consumes media: the server then creates our consumers. */
  consume: boolean;
}

export const initialLinks = (): LinkState => ({ transports: { send: 'none', recv: 'none' }, rungs: { send: null, recv: null } });

/**
 * Creates the session's transport in one direction and wires it: DTLS connect, produce and
 * produceData (send), state shown on the page, ICE restarts when the path drops (a rejoin only
 * when they do not help: ice-recovery.ts), and the connect watchdog (a stale TURN credential never connects).
 */
export async function openTransport(
  ctx: RoomContext,
  links: StateHost<LinkState>,
  session: JoinSession,
  direction: Direction,
  needs: TransportNeeds,
): Promise<OpenTransport> {
  const device = session.device;
  if (!device) throw new Error('the device is loaded before any transport');
  const rtpCapabilities = direction === 'recv' && needs.consume ? (device.recvRtpCapabilities as JsonBlob) : undefined;
  const options = await session.guard(
    ctx.request('sfu:createTransport', { direction, sctp: needs.sctp, ...(rtpCapabilities ? { rtpCapabilities } : {}) }, { retry: true }),
  );
  markFirst(`${direction}-transport`);
  // The wire carries ICE/DTLS/SCTP parameters as opaque JSON; mediasoup-client checks them itself.
  const params = options as unknown as types.TransportOptions;
  const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
  session.onClose(() => transport.close());

  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    ctx.request('sfu:connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as JsonBlob }, { retry: 'refused' }).then(() => callback(), errback);
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      ctx
        .request('sfu:produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as JsonBlob, appData }, { retry: 'refused' })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    transport.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
      ctx
        .request('sfu:produceData', { transportId: transport.id, sctpStreamParameters: sctpStreamParameters as JsonBlob, label: label ?? '', protocol: protocol ?? '' }, { retry: 'refused' })
        .then(({ dataProducerId }) => callback({ id: dataProducerId }), errback);
    });
  }

  const recovery = new IceRecovery({
    graceMs: ICE_RESTART_DELAY_MS,
    restartTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    act: (action) => {
      if (session.closed) return;
      // The person hears silence now: tell them we are on it, before the restart kicks in.
      if (action === 'interrupted') ctx.mediaInterrupted(session);
      else if (action === 'restart') void restartIce(ctx, session, transport).catch((error: unknown) => {
        console.warn('[room] ICE restart failed; rejoining', error);
        recovery.giveUp();
      });
      else if (action === 'recovered') {
        if (session.mediaConnected) ctx.mediaRecovered(session);
      } else ctx.mediaFailed(session);
    },
  });
  session.onClose(() => recovery.close());
  transport.on('connectionstatechange', (state) => {
    if (session.closed) return;
    if (state === 'connected') markFirst(`${direction}-connected`);
    links.update({ transports: { ...links.get().transports, [direction]: state } });
    recovery.onState(state);
  });

  watchTransport(transport, {
    name: `sfu-${direction}`,
    timeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    usedTurn: Boolean(options.iceServers?.length),
    onRung: (rung) => {
      if (!session.closed) links.update({ rungs: { ...links.get().rungs, [direction]: rung } });
    },
    onTimeout: (message) => {
      if (!session.closed) ctx.fail(session, new ApiError('unavailable', `${direction} transport did not connect in time`), message);
    },
  });
  return { transport, options };
}

/** A network change or a relay that lost our allocation: new ICE credentials and servers, same membership. */
async function restartIce(ctx: RoomContext, session: JoinSession, transport: types.Transport): Promise<void> {
  if (session.closed || transport.closed || transport.connectionState === 'connected') return;
  const { iceParameters, iceServers } = await ctx.request('sfu:restartIce', { transportId: transport.id }, { retry: true });
  if (session.closed || transport.closed) return;
  // The credentials handed out at join may have expired by now: the restart uses the new ones.
  if (iceServers) await transport.updateIceServers({ iceServers: iceServers as RTCIceServer[] });
  await transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters });
}
