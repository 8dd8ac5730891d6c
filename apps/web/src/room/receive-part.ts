import type { ConsumerOptions, MediaKind, PeerView } from '@roomcast/shared';
import type { types } from 'mediasoup-client';
import { toApiError } from '../api/errors';
import { markFirst } from '../lib/marks';
import { Superseded, type JoinSession } from './join-session';
import type { StateHost } from './state';
import type { RoomContext, RoomPart } from './types';

/** One remote audio track, as the page renders it into an <audio> element. */
export interface RemoteAudio {
  consumerId: string;
  producerId: string;
  peerId: string;
  track: MediaStreamTrack;
}

export interface ReceiveState {
  remoteAudio: RemoteAudio[];
}

export const initialReceive = (): ReceiveState => ({ remoteAudio: [] });

/**
 * Listening, with no microphone anywhere: a receive transport created with the device's
 * capabilities, so the server creates our consumers — those of everything already published
 * come in its answer, later ones in `consumer:new` pushes. Each batch is wired, then resumed
 * with one `sfu:resumeConsumers`. A voice room and a DJ listener both use it.
 */
export class ReceivePart implements RoomPart {
  /** Consumers of the current session, by id. */
  private consumers = new Map<string, types.Consumer>();
  /** Every consumer id this session was handed, wired or being wired: a repeated push is ignored. */
  private seen = new Set<string>();
  /** Closures the server announced for consumers still being wired: undone once they are. */
  private closedProducers = new Set<string>();
  private closedConsumers = new Set<string>();
  /** The receivers' jitter buffer target (ms), or null for the browser's own choice. */
  private jitterTargetMs: number | null = null;

  constructor(
    private readonly ctx: RoomContext,
    private readonly store: StateHost<ReceiveState & { peers: PeerView[] }>,
    /** Media kinds this use renders; others are never resumed, so they cost no bandwidth. */
    private readonly kinds: readonly MediaKind[] = ['audio'],
  ) {
    ctx.on('consumer:new', ({ consumers }) => {
      const session = ctx.session();
      // Consumers pushed before our join was answered belong to a peer we no longer are.
      if (session?.joined) void this.wire(session, consumers);
    });
    ctx.on('producer:closed', ({ producerId }) => {
      this.closedProducers.add(producerId);
      for (const consumer of this.consumers.values()) if (consumer.producerId === producerId) consumer.close();
    });
    ctx.on('consumer:closed', ({ consumerId }) => {
      this.closedConsumers.add(consumerId);
      this.consumers.get(consumerId)?.close();
    });
    ctx.on('peer:left', ({ peerId }) => {
      for (const consumer of this.consumers.values()) if (consumer.appData['peerId'] === peerId) consumer.close();
    });
    // A speaker's server-known mute, followed at once: a disabled track renders silence,
    // instead of the decoder concealing the lost packets with a fading echo of the voice.
    ctx.on('peer:updated', (peer) => {
      for (const consumer of this.consumers.values()) {
        if (consumer.appData['peerId'] === peer.peerId && consumer.kind === 'audio') consumer.track.enabled = peer.mic !== 'muted';
      }
    });
  }

  async join(session: JoinSession): Promise<void> {
    const { options } = await session.transport('recv');
    await this.wire(session, options.consumers ?? []);
  }

  /**
   * "Lowest latency": asks each receiver for a small jitter buffer (where the browser supports
   * `jitterBufferTarget`), trading robustness on a bad network for delay. Null restores the default.
   */
  setJitterTarget(ms: number | null): void {
    this.jitterTargetMs = ms;
    for (const consumer of this.consumers.values()) applyJitterTarget(consumer, ms);
  }

  reset(): void {
    this.consumers = new Map();
    this.seen = new Set();
    this.closedProducers = new Set();
    this.closedConsumers = new Set();
    this.store.update(initialReceive());
  }

  /** Wires one batch of server-created consumers, then resumes them all with one request. */
  private async wire(session: JoinSession, batch: ConsumerOptions[]): Promise<void> {
    const wanted = batch.filter((c) => this.kinds.includes(c.kind) && !this.seen.has(c.consumerId) && c.peerId !== session.selfPeerId);
    if (wanted.length === 0) return;
    for (const c of wanted) this.seen.add(c.consumerId);
    try {
      const { transport } = await session.guard(session.transport('recv'));
      const wired = await Promise.all(wanted.map((options) => this.consume(session, transport, options)));
      const ids = wired.filter((c): c is types.Consumer => c !== null && !c.closed).map((c) => c.id);
      if (ids.length === 0) return;
      markFirst('consumed');
      // Created paused server-side so no packet is lost before the track is wired up.
      await session.guard(this.ctx.request('sfu:resumeConsumers', { consumerIds: ids }, { retry: true }));
      markFirst('resumed');
    } catch (error) {
      if (error instanceof Superseded || session.closed) return;
      // Never silent: the person would otherwise sit in a room hearing nobody and not know why.
      console.warn('[room] could not start consumers', error);
      this.ctx.notify(`Could not start hearing ${wanted.length === 1 ? 'one person' : `${wanted.length} people`}: ${toApiError(error).message}`);
    }
  }

  private async consume(session: JoinSession, transport: types.Transport, options: ConsumerOptions): Promise<types.Consumer | null> {
    const consumer = await session.guard(
      transport.consume({
        id: options.consumerId,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as unknown as types.RtpParameters,
        appData: { peerId: options.peerId },
      }),
    );
    this.consumers.set(consumer.id, consumer);
    if (this.jitterTargetMs !== null) applyJitterTarget(consumer, this.jitterTargetMs);
    const speaker = this.store.get().peers.find((p) => p.peerId === options.peerId);
    if (options.producerPaused || speaker?.mic === 'muted') consumer.track.enabled = false;
    consumer.observer.on('close', () => {
      if (this.consumers.get(consumer.id) !== consumer) return;
      this.consumers.delete(consumer.id);
      this.publish();
    });
    consumer.on('trackended', () => consumer.close());
    // Chromium unmutes a remote track on its first RTP packet: the join-latency benchmark reads this mark.
    if (consumer.kind === 'audio' && !performance.getEntriesByName('roomcast:first-audio').length) {
      consumer.track.addEventListener('unmute', () => markFirst('first-audio'), { once: true });
    }
    if (this.closedProducers.has(consumer.producerId) || this.closedConsumers.has(consumer.id)) {
      consumer.close();
      return null;
    }
    this.publish();
    return consumer;
  }

  /** Re-derives the audio list from the current consumers. */
  private publish(): void {
    const remoteAudio: RemoteAudio[] = [];
    for (const consumer of this.consumers.values()) {
      if (consumer.kind !== 'audio' || consumer.closed) continue;
      remoteAudio.push({ consumerId: consumer.id, producerId: consumer.producerId, peerId: String(consumer.appData['peerId'] ?? ''), track: consumer.track });
    }
    this.store.update({ remoteAudio });
  }
}

function applyJitterTarget(consumer: types.Consumer, ms: number | null): void {
  const receiver = consumer.rtpReceiver as (RTCRtpReceiver & { jitterBufferTarget?: number | null }) | undefined;
  if (receiver && 'jitterBufferTarget' in receiver) receiver.jitterBufferTarget = ms;
}
