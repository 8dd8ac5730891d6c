import type { Ack, ConsumerOptions, JoinResult, ProducerInfo } from '@roomcast/shared';
import { Device, FakeHandler, testFakeParameters, type types } from 'mediasoup-client';
import type { ConnectionDeps } from '../connection';
import type { RoomSocket } from '../types';

/**
 * A scripted protocol-3 server behind a fake socket, for unit tests of the room client with
 * mediasoup-client's FakeHandler: real Device, Transport, Producer and Consumer objects, no
 * browser and no network. Only the socket and the server's answers are fakes.
 */

type Answer = Ack<unknown> | Promise<Ack<unknown>>;
type Listener = (...args: unknown[]) => void;

export const ok = (data: unknown): Ack<unknown> => ({ ok: true, data });
export const fail = (code: string, message = code) => ({ ok: false, error: { code, message } }) as Ack<unknown>;

export const peer = (peerId: string) => ({
  peerId,
  userId: `u-${peerId}`,
  displayName: peerId,
  role: 'listener' as const,
  isGuest: false,
  mic: 'none' as const,
  moderatorMuted: false,
});

let consumerSeq = 0;

/** The consumer the server would create for `producer` on a consuming transport. */
export function consumerFor(producer: ProducerInfo): ConsumerOptions {
  const remote = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: producer.kind === 'audio' ? 'audio/opus' : 'video/VP8' });
  return {
    consumerId: `cons-${++consumerSeq}`,
    producerId: producer.producerId,
    peerId: producer.peerId,
    kind: producer.kind,
    rtpParameters: remote.rtpParameters as unknown as Record<string, unknown>,
    producerPaused: producer.paused,
  };
}

export class FakeSocket implements RoomSocket {
  active = true;
  connected = false;
  readonly sent: { event: string; payload: unknown }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Per-event overrides of the default server behaviour. */
  readonly script = new Map<string, (payload: unknown) => Answer>();
  joins = 0;
  room: JoinResult['room'] = { id: 'r1', name: 'Lobby', kind: 'voice', ownerId: 'u-x', createdAt: '2025-01-01T00:00:00Z', participants: 2 };

  constructor(readonly producers: ProducerInfo[] = []) {}

  on(event: string, listener: Listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
    return this;
  }

  fire(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }

  connect() {
    this.active = true;
    // Like socket.io: connected only later, announced by the `connect` event.
    queueMicrotask(() => {
      this.connected = true;
      this.fire('connect');
    });
  }

  disconnect() {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire('disconnect', 'io client disconnect');
  }

  emit(event: string, payload: unknown, ack: (response: unknown) => void) {
    this.sent.push({ event, payload });
    void Promise.resolve(this.answer(event, payload)).then((a) => setTimeout(() => ack(a), 0));
  }

  events(name: string) {
    return this.sent.filter((s) => s.event === name);
  }

  names() {
    return this.sent.map((s) => s.event);
  }

  private answer(event: string, payload: unknown): Answer {
    const scripted = this.script.get(event);
    if (scripted) return scripted(payload);
    switch (event) {
      case 'room:join': {
        this.joins++;
        const result: JoinResult = {
          room: this.room,
          self: peer('me'),
          peers: [peer('me'), peer('bob')],
          producers: this.producers,
          routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() as Record<string, unknown>,
          moderated: false,
          activeSpeakerId: 'bob',
        };
        return ok(result);
      }
      case 'sfu:createTransport':
        return ok(transportAnswer(payload as { direction: string; rtpCapabilities?: unknown }, this.producers));
      case 'sfu:produce':
        return ok({ producerId: `prod-${this.events('sfu:produce').length}` });
      case 'sfu:produceData':
        return ok({ dataProducerId: `dprod-${this.events('sfu:produceData').length}` });
      case 'sfu:consumeData': {
        const remote = testFakeParameters.generateDataConsumerRemoteParameters();
        const { dataProducerId } = payload as { dataProducerId: string };
        return ok({ dataConsumerId: remote.id, dataProducerId, sctpStreamParameters: { ...remote.sctpStreamParameters }, label: 'chat', protocol: '' });
      }
      default:
        return ok({});
    }
  }
}

/** A transport; a receive transport made with capabilities brings consumers of what others publish. */
export function transportAnswer(request: { direction: string; rtpCapabilities?: unknown }, producers: ProducerInfo[]) {
  const t = testFakeParameters.generateTransportRemoteParameters();
  const consuming = request.direction === 'recv' && request.rtpCapabilities !== undefined;
  return {
    id: t.id,
    iceParameters: t.iceParameters,
    iceCandidates: t.iceCandidates,
    dtlsParameters: t.dtlsParameters,
    sctpParameters: { ...t.sctpParameters },
    ...(consuming ? { consumers: producers.filter((p) => p.peerId !== 'me').map(consumerFor) } : {}),
  };
}

/** Just enough of a MediaStreamTrack for mediasoup-client's producer. */
export function fakeTrack(): MediaStreamTrack {
  let readyState: MediaStreamTrackState = 'live';
  const track = {
    id: `mic-${Math.random().toString(36).slice(2)}`,
    kind: 'audio',
    enabled: true,
    get readyState() {
      return readyState;
    },
    stop: () => void (readyState = 'ended'),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    clone: () => fakeTrack(),
    getSettings: () => ({}),
  };
  return track as unknown as MediaStreamTrack;
}

/** Connection deps over `socket`: FakeHandler devices, no real waiting between retries. */
export function fakeConnectionDeps(socket: FakeSocket, transports: types.Transport[] = [], waits: number[] = []): ConnectionDeps {
  return {
    connect: () => {
      socket.connect();
      return socket;
    },
    createDevice: async () => {
      const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
      device.observer.on('newtransport', (t) => transports.push(t));
      return device;
    },
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
  };
}

/** Polls until `predicate` holds (the client reacts to timers and acks, not to the test). */
export async function until<S>(get: () => S, predicate: (s: S) => boolean, timeoutMs = 3_000): Promise<S> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = get();
    if (predicate(s)) return s;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out; last state ${JSON.stringify(get(), (k, v) => (k === 'track' ? '[track]' : v))}`);
}
