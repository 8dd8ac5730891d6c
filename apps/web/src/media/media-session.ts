import type { ProducerInfo } from '@roomcast/shared';
import type { Device, types } from 'mediasoup-client';

/** Thrown inside a join attempt once a newer attempt (or close) has replaced it. */
export class Superseded extends Error {
  constructor() {
    super('superseded by a newer join attempt');
    this.name = 'Superseded';
  }
}

/**
 * Every mediasoup object of one join attempt. A rejoin throws the whole session away rather
 * than patching it: the router it was built against may no longer exist.
 */
export class MediaSession {
  closed = false;
  /** Set once room:join answered; a failure after that must tell the server we left. */
  joined = false;
  selfPeerId: string | null = null;
  device: Device | null = null;
  send: types.Transport | null = null;
  recv: types.Transport | null = null;
  mic: types.Producer | null = null;
  readonly consumers = new Map<string, types.Consumer>();
  /** Producers announced before the receive transport existed, consumed once it does. */
  readonly pending = new Map<string, ProducerInfo>();
  /** Producers already being consumed (or consumed), so a duplicate announcement is ignored. */
  readonly handled = new Set<string>();
  /**
   * Closures the server announced for things we have not finished creating yet: a consume
   * that completes after its producer closed must be undone at once, not linger silent.
   */
  readonly closedProducers = new Set<string>();
  readonly closedConsumers = new Set<string>();

  /** Awaits `promise`, then refuses to continue if this session was closed meanwhile. */
  async guard<T>(promise: Promise<T>): Promise<T> {
    const value = await promise;
    this.check();
    return value;
  }

  check(): void {
    if (this.closed) throw new Superseded();
  }

  /** Both transports carry media (a send transport that never carried any, with no microphone, stays `new`). */
  get mediaConnected(): boolean {
    const ok = (t: types.Transport | null) => !t || t.connectionState === 'connected' || t.connectionState === 'new';
    return ok(this.send) && ok(this.recv);
  }

  /** True when the receive side can consume now. */
  get ready(): boolean {
    return !this.closed && this.recv !== null && this.device !== null && this.selfPeerId !== null;
  }

  /** Closes a consumer by its producer (producer:closed names the producer, not our consumer). */
  dropProducer(producerId: string): void {
    this.closedProducers.add(producerId);
    this.pending.delete(producerId);
    for (const consumer of this.consumers.values()) if (consumer.producerId === producerId) consumer.close();
  }

  dropConsumer(consumerId: string): void {
    this.closedConsumers.add(consumerId);
    this.consumers.get(consumerId)?.close();
  }

  /**
   * Follows a speaker's server-known mute on our side: a disabled track renders silence at
   * once, instead of the decoder concealing the lost packets with a fading echo of the voice.
   */
  silencePeer(peerId: string, silent: boolean): void {
    for (const consumer of this.consumers.values()) {
      if (consumer.appData['peerId'] === peerId && consumer.kind === 'audio') consumer.track.enabled = !silent;
    }
  }

  dropPeer(peerId: string): void {
    for (const [id, info] of this.pending) if (info.peerId === peerId) this.pending.delete(id);
    for (const consumer of this.consumers.values()) if (consumer.appData['peerId'] === peerId) consumer.close();
  }

  /** Idempotent. Closing a transport closes its producers and consumers with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.mic?.close();
    for (const consumer of this.consumers.values()) consumer.close();
    this.send?.close();
    this.recv?.close();
  }
}
