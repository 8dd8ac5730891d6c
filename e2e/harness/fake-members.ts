import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@roomcast/shared';

/**
 * Room members without a browser: a guest session, a socket.io connection and a microphone
 * producer whose transport never connects, so it costs the SFU a producer and every listener a
 * consumer but no media. Enough of them fill a room cheaply around the real browsers of a test.
 */
export interface FakeMember {
  peerId: string;
  producerId: string;
  close(): void;
}

/** A guest session cookie, as the page's "join as guest" form would get it. */
export async function guestCookie(base: string, displayName: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName }),
  });
  if (res.status !== 201) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function ask(socket: Socket, event: string, payload: unknown): Promise<any> {
  const answer = await socket.timeout(10_000).emitWithAck(event, payload);
  if (!answer.ok) throw new Error(`${event} refused: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
}

/** Joins `roomId` as a guest and publishes a (silent, never connected) Opus microphone. */
export async function fakeMicrophone(base: string, roomId: string, index: number): Promise<FakeMember> {
  const socket = io(base, {
    transports: ['websocket'],
    auth: { protocolVersion: PROTOCOL_VERSION },
    extraHeaders: { cookie: await guestCookie(base, `Mic ${index}`) },
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const joined = await ask(socket, 'room:join', { roomId });
  const send = await ask(socket, 'sfu:createTransport', { direction: 'send' });
  const ssrc = 10_000_000 + index;
  const { producerId } = await ask(socket, 'sfu:produce', {
    transportId: send.id,
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc }],
      headerExtensions: [],
      rtcp: { cname: `fake-${ssrc}` },
    },
  });
  return { peerId: joined.self.peerId, producerId, close: () => socket.close() };
}
