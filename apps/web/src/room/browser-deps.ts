import { Device } from 'mediasoup-client';
import { connectSocket } from '../api/socket';
import { captureMicrophone, listMicrophones } from '../media/microphone';
import type { ConnectionDeps } from './connection';
import type { MicDeps } from './mic-part';
import type { RoomSocket } from './types';

/** The real browser: socket.io, mediasoup-client's device detection. */
export const browserConnectionDeps: ConnectionDeps = {
  connect: () => connectSocket() as unknown as RoomSocket,
  createDevice: () => Device.factory(),
};

export const browserMicDeps: MicDeps = { getMicrophone: captureMicrophone, listMicrophones };
