import type { z } from 'zod';
import { RoomcastError, type JsonBlob, type sfuMethods, type SfuMethod, type SfuResult } from '@roomcast/shared';
import type { PeerItems, PeerKind } from '../peer.js';
import type { Room } from '../room.js';
import type { SfuServer } from '../server.js';

export type Parsed<M extends SfuMethod> = z.infer<(typeof sfuMethods)[M]['params']>;
export type Handlers<K extends SfuMethod = SfuMethod> = { [M in K]: (params: Parsed<M>) => Promise<SfuResult<M>> };

/** Injection points for tests that must interleave requests deterministically, without sleeps. */
export interface SfuHooks {
  /** Runs after mediasoup created an object and before its peer tracks it (a leave may land here). */
  afterCreate?: (event: { kind: PeerKind; roomId: string; peerId: string; id: string }) => void | Promise<void>;
}

// mediasoup's own types are stricter than the JSON we pass through; it validates in depth.
export const blob = (value: object): JsonBlob => value as JsonBlob;
export const as = <T>(value: JsonBlob): T => value as unknown as T;
export const EMPTY = {};

/** What every handler module shares: the server, the test hooks, and room lookup. */
export class HandlerContext {
  constructor(
    readonly server: SfuServer,
    readonly hooks: SfuHooks,
  ) {}

  room(roomId: string): Room {
    const room = this.server.findRoom(roomId);
    if (!room) throw new RoomcastError('not_found', `room ${roomId} is not open on this SFU`);
    if (room.worker.closed) throw new RoomcastError('unavailable', 'the media server is restarting; rejoin in a moment');
    return room;
  }

  /** Awaits a mediasoup creation, then the `afterCreate` hook; the object closes if the hook throws. */
  async made<K extends PeerKind>(kind: K, at: { roomId: string; peerId: string }, creating: Promise<PeerItems[K]>): Promise<PeerItems[K]> {
    const item = await creating;
    try {
      await this.hooks.afterCreate?.({ kind, ...at, id: item.id });
    } catch (error) {
      item.close();
      throw error;
    }
    return item;
  }
}
