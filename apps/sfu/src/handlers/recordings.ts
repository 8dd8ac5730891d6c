import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { RoomcastError } from '@roomcast/shared';
import { Recorder } from '../recorder.js';
import type { HandlerContext, Handlers } from './context.js';

type RecordingMethods = 'recording.start' | 'recording.stop';

/** Broadcast recordings: one ffmpeg per recording, in the SFU's recordings folder only. */
export function recordingHandlers(ctx: HandlerContext): Handlers<RecordingMethods> {
  const { config, log } = ctx.server;
  return {
    'recording.start': async ({ roomId, producerId, recordingId }) => {
      if (!config.recordingsDir) throw new RoomcastError('unavailable', 'recording is off on this media server (SFU_RECORDINGS_DIR)');
      const room = ctx.room(roomId);
      room.producer(producerId);
      if (room.recordings.has(recordingId)) throw new RoomcastError('conflict', `recording ${recordingId} is already running`);
      await mkdir(config.recordingsDir, { recursive: true });
      // The id is url-safe (checked by the schema), so the name cannot leave the folder.
      const file = path.join(config.recordingsDir, `${recordingId}.ogg`);
      const recorder = await Recorder.start(room.router, producerId, file, config.ffmpegPath);
      room.recordings.set(recordingId, recorder);
      return { file: recorder.name };
    },
    'recording.stop': async ({ roomId, recordingId }) => {
      const room = ctx.server.findRoom(roomId);
      const recorder = room?.recordings.get(recordingId);
      if (!room || !recorder) return { file: null };
      await recorder.stop();
      room.recordings.delete(recordingId);
      const complaint = recorder.stderrTail();
      if (complaint) log.warn({ roomId, recordingId, ffmpeg: complaint }, 'recording ended with ffmpeg errors');
      return { file: recorder.name };
    },
  };
}
