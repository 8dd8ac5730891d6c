import { connectSocket } from '../api/socket';
import { captureMicrophone, listMicrophones } from '../media/microphone';
import type { ConnectionDeps } from './connection';
import { createDevice } from './device';
import type { MicDeps } from './mic-part';
import { takeEarlyJoin, takePreconnected } from './preconnect';
import type { RoomSocket } from './types';

/** The real browser: socket.io (the early socket of a room link first), mediasoup-client's device (remembering the browser's capabilities: device.ts). */
export const browserConnectionDeps: ConnectionDeps = {
  connect: () => (takePreconnected() ?? connectSocket()) as unknown as RoomSocket,
  createDevice: () => createDevice(),
  earlyJoin: takeEarlyJoin,
};

export const browserMicDeps: MicDeps = { getMicrophone: captureMicrophone, listMicrophones };
