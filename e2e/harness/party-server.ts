import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@roomcast/signaling/db';
import { readyVideo } from '@roomcast/signaling/testing/videos';
import { startRoomcast, type RunningRoomcast } from './roomcast.js';

export interface PartyServer {
  server: RunningRoomcast;
  /** A ready video owned by `ownerId`, as the upload and transcode side would leave it. */
  video(ownerId: string, opts?: Parameters<typeof readyVideo>[2]): Promise<string>;
  stop(): Promise<void>;
}

/** Roomcast on its own data directory, which the test can seed with ready videos. */
export async function startPartyServer(): Promise<PartyServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roomcast-party-'));
  const server = await startRoomcast({ env: { DATA_DIR: dataDir } });
  return {
    server,
    video: async (ownerId, opts) => {
      const db = await openDatabase(`file:${path.join(dataDir, 'roomcast.db')}`);
      try {
        return await readyVideo({ db, config: { dataDir } }, ownerId, opts);
      } finally {
        await db.close();
      }
    },
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
