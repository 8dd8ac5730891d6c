import type { JsonBlob, SfuControl } from '@roomcast/shared';
import type { LiveRoomStore } from './live-store.js';
import { KeyedSerial } from './serial.js';

/**
 * Opens and closes a room's SFU media in the order membership changed. A joiner is added to
 * the store before it opens the room, and a leaver's release closes the room only if the
 * store then says nobody is in it; running both per room in one queue means a last leaver's
 * close can never land after a newcomer's open.
 */
export class RoomMedia {
  readonly #serial = new KeyedSerial();

  constructor(
    private readonly sfu: SfuControl,
    private readonly live: LiveRoomStore,
  ) {}

  /** Call after the joiner is in the store. */
  open(roomId: string): Promise<JsonBlob> {
    return this.#serial.run(roomId, async () => (await this.sfu.request('room.open', { roomId })).rtpCapabilities);
  }

  /** Call after the peer left the store: its SFU objects go, and the room's when it is empty. */
  release(roomId: string, peerId: string): Promise<void> {
    return this.#serial.run(roomId, async () => {
      const count = (await this.live.participants([roomId])).get(roomId) ?? 0;
      if (count === 0) await this.sfu.request('room.close', { roomId });
      else await this.sfu.request('peer.leave', { roomId, peerId });
    });
  }

  close(roomId: string): Promise<void> {
    return this.#serial.run(roomId, async () => {
      await this.sfu.request('room.close', { roomId });
    });
  }
}
