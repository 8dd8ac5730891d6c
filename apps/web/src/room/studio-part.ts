import type { BroadcastView } from '@roomcast/shared';
import type { types } from 'mediasoup-client';
import { toApiError } from '../api/errors';
import type { JoinSession } from './join-session';
import type { StateHost } from './state';
import type { RoomContext, RoomPart } from './types';

/**
 * Music, not voice: stereo, no DTX (a quiet passage is still music), in-band FEC for loss, and
 * the configured bitrate as Opus' target and the encoding's ceiling. 10 ms frames: half the
 * packetization delay of the default 20 ms, and the listeners' jitter buffers settle lower
 * (bench:dj prints both); the price is the packet headers of twice the packet rate.
 */
export function musicCodecOptions(bitrateKbps: number): types.ProducerCodecOptions {
  return { opusStereo: true, opusDtx: false, opusFec: true, opusMaxAverageBitrate: bitrateKbps * 1000, opusPtime: 10 };
}

export type OnAir = 'off' | 'starting' | 'live' | 'ending';

export interface StudioSlice {
  onAir: OnAir;
  studioMessage: string | null;
}

export const initialStudio = (): StudioSlice => ({ onAir: 'off', studioMessage: null });

/**
 * The studio's program: the chosen source's track produced as stereo music on the send
 * transport, and going on and off air. A rejoin (network drop, worker respawn) produces the
 * same track again while on air; the server pushes the new producer to every listener.
 */
export class StudioPart implements RoomPart {
  private track: MediaStreamTrack | null = null;
  private producer: types.Producer | null = null;
  private session: JoinSession | null = null;

  constructor(
    private readonly ctx: RoomContext,
    private readonly store: StateHost<StudioSlice & { bitrateKbps: number }>,
  ) {}

  async join(session: JoinSession): Promise<void> {
    this.session = session;
    // Back after a dropped connection or a media server restart: the same broadcast goes on
    // (and its recording) with the new producer.
    if (this.store.get().onAir === 'live' && this.track) {
      const producer = await this.produce(session);
      // A broadcast that ended meanwhile (the grace period ran out) is over: the join is not.
      await session.guard(this.ctx.request('dj:resume', { producerId: producer.id })).catch((error: unknown) => {
        if (session.closed) throw error;
        this.store.update({ onAir: 'off' });
        this.say(`The broadcast could not go on: ${toApiError(error).message}`);
      });
    }
  }

  reset(): void {
    this.producer = null;
    this.session = null;
  }

  close(): void {
    // The source's tracks belong to the mixer, which stops them when the studio closes.
  }

  /**
   * A new source: swapped into a running producer without renegotiation. The caller owns the
   * tracks (the studio's mixer: a source it sends unmixed may be one of its inputs again later).
   */
  async setSource(track: MediaStreamTrack): Promise<void> {
    if (track === this.track) return;
    this.track = track;
    if (this.producer && !this.producer.closed) await this.producer.replaceTrack({ track });
  }

  goLive(title?: string): Promise<BroadcastView | null> {
    return this.putOnAir('Could not go live', (producerId) => this.ctx.request('dj:goLive', { producerId, ...(title ? { title } : {}) }));
  }

  /**
   * This page was reloaded (or opened anew) while its broadcast is still on air, within the
   * server's grace period: the picked source goes on air in the same broadcast.
   */
  resume(): Promise<BroadcastView | null> {
    return this.putOnAir('Could not resume', (producerId) => this.ctx.request('dj:resume', { producerId }));
  }

  private async putOnAir(failure: string, ask: (producerId: string) => Promise<BroadcastView>): Promise<BroadcastView | null> {
    const session = this.session;
    if (!this.track || this.track.readyState === 'ended') return this.say('Pick a source first.');
    if (!session) return this.say('Not connected yet; try again in a moment.');
    this.store.update({ onAir: 'starting', studioMessage: null });
    try {
      const producer = this.producer ?? (await this.produce(session));
      const live = await ask(producer.id);
      this.store.update({ onAir: 'live' });
      return live;
    } catch (error) {
      this.store.update({ onAir: 'off' });
      return this.say(`${failure}: ${toApiError(error).message}`);
    }
  }

  async end(): Promise<void> {
    this.store.update({ onAir: 'ending' });
    try {
      await this.ctx.request('dj:end', {}, { retry: 'refused' });
    } catch (error) {
      this.say(`Ending reported: ${toApiError(error).message}`);
    }
    const producer = this.producer;
    this.producer = null;
    if (producer && !producer.closed) {
      producer.close();
      await this.ctx.request('sfu:closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
    this.store.update({ onAir: 'off' });
  }

  private async produce(session: JoinSession): Promise<types.Producer> {
    const { transport } = await session.guard(session.transport('send'));
    const kbps = this.store.get().bitrateKbps;
    const producer = await session.guard(
      transport.produce({
        track: this.track!,
        stopTracks: false, // the source outlives producers: a rejoin reuses it
        codecOptions: musicCodecOptions(kbps),
        encodings: [{ maxBitrate: kbps * 1000, dtx: false }],
        appData: { source: 'program' },
      }),
    );
    this.producer = producer;
    return producer;
  }

  private say(message: string): null {
    this.store.update({ studioMessage: message });
    return null;
  }
}
