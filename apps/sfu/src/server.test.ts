import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomcastError, type SfuEvents } from '@roomcast/shared';
import { freePort } from '@roomcast/testkit';
import { SfuConfig } from './config.js';
import { LocalSfuControl } from './control.js';
import { SfuServer } from './server.js';

let server: SfuServer;
let control: LocalSfuControl;

beforeAll(async () => {
  const config = SfuConfig.parse({ workers: 1, listenIp: '127.0.0.1', port: await freePort() });
  server = await SfuServer.create(config, pino({ level: 'silent' }));
  control = new LocalSfuControl(server);
});
afterAll(() => server?.close());

describe('SFU rooms', () => {
  it('opens a router with stereo Opus, VP8 and H264', async () => {
    const { rtpCapabilities } = await control.request('room.open', { roomId: 'codecs' });
    const codecs = rtpCapabilities.codecs as { mimeType: string; channels?: number }[];
    expect(codecs.find((c) => c.mimeType === 'audio/opus')?.channels).toBe(2);
    expect(codecs.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['video/VP8', 'video/H264']));
  });

  it('creates transports on the worker’s one WebRtcServer port, with SCTP when asked', async () => {
    await control.request('room.open', { roomId: 'ports' });
    const a = await control.request('transport.create', { roomId: 'ports', peerId: 'a', direction: 'send', sctp: true });
    const b = await control.request('transport.create', { roomId: 'ports', peerId: 'b', direction: 'recv' });
    const ports = (t: typeof a) => new Set(t.iceCandidates.map((c) => c.port));
    expect(ports(a)).toEqual(new Set([server.config.port]));
    expect(ports(b)).toEqual(new Set([server.config.port]));
    expect(a.sctpParameters).toBeDefined();
    expect(b.sctpParameters).toBeUndefined();
    expect(new Set(a.iceCandidates.map((c) => c.protocol))).toEqual(new Set(['udp', 'tcp']));
  });

  it('validates every call like a network API and keeps peers apart', async () => {
    await control.request('room.open', { roomId: 'rules' });
    const t = await control.request('transport.create', { roomId: 'rules', peerId: 'a', direction: 'send' });
    await control.request('transport.create', { roomId: 'rules', peerId: 'b', direction: 'send' });
    await expect(control.request('transport.close', { roomId: 'rules', peerId: 'b', transportId: t.id })).rejects.toMatchObject({ code: 'not_found' });
    await expect(control.request('transport.create', { roomId: 'rules', peerId: 'a', direction: 'up' as never })).rejects.toBeInstanceOf(RoomcastError);
    await expect(
      control.request('producer.create', { roomId: 'rules', peerId: 'a', transportId: t.id, kind: 'audio', rtpParameters: { codecs: 'nope' } }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(control.request('transport.create', { roomId: 'nowhere', peerId: 'a', direction: 'send' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('worker death', () => {
  it('respawns a SIGKILLed worker on the same port and rebuilds its rooms, telling signaling', async () => {
    await control.request('room.open', { roomId: 'phoenix' });
    await control.request('transport.create', { roomId: 'phoenix', peerId: 'a', direction: 'send' });
    const [oldPid] = server.workerPids;
    const resets: SfuEvents['roomReset'][] = [];
    control.on('roomReset', (e) => resets.push(e));
    const respawned = once(server, 'workerRespawned');
    process.kill(oldPid!, 'SIGKILL');
    const [info] = (await respawned) as [{ pid: number; rooms: number }];
    expect(info.pid).not.toBe(oldPid);
    expect(server.workerPids).toEqual([info.pid]);
    expect(resets.map((r) => r.roomId)).toEqual(expect.arrayContaining(['phoenix']));

    // The rebuilt room forgot the dead media and works for a fresh join.
    await expect(control.request('transport.close', { roomId: 'phoenix', peerId: 'a', transportId: 'x' })).rejects.toMatchObject({ code: 'not_in_room' });
    const fresh = await control.request('transport.create', { roomId: 'phoenix', peerId: 'a', direction: 'send' });
    expect(fresh.iceCandidates[0]?.port).toBe(server.config.port);
  });

  it('closes idempotently', () => {
    expect(server.findRoom('phoenix')).toBeDefined();
    server.close();
    server.close();
    expect(server.closed).toBe(true);
    expect(server.findRoom('phoenix')).toBeUndefined();
  });
});
