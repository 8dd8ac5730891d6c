import { mkdir } from 'node:fs/promises';
import { RoomcastError } from '@roomcast/shared';
import { Recording } from '../recording.js';
import type { HandlerContext, Handlers } from './context.js';

type RecordingMethods = 'recording.start' | 'recording.stop';

/** Broadcast recordings: one ffmpeg per broadcast, in the SFU's recordings folder only. */
export function recordingHandlers(ctx: HandlerContext): Handlers<RecordingMethods> {
  const { config, log } = ctx.server;
  /**
   * Every recording until asked to stop, also after its room closed or moved (the room detaches
   * its feed then; the next producer recorded carries the same file on).
   */
  const running = new Map<string, Recording>();
  return {
    'recording.start': async ({ roomId, producerId, recordingId }) => {
      if (!config.recordingsDir) throw new RoomcastError('unavailable', 'recording is off on this media server (SFU_RECORDINGS_DIR)');
      const room = ctx.room(roomId);
      room.producer(producerId);
      let recording = running.get(recordingId);
      if (recording && recording.roomId !== roomId) throw new RoomcastError('conflict', `recording ${recordingId} belongs to another room`);
      if (!recording) {
        await mkdir(config.recordingsDir, { recursive: true });
        // The id is url-safe (checked by the schema), so no file name can leave the folder.
        recording = new Recording(recordingId, roomId, config.recordingsDir, config.ffmpegPath);
        running.set(recordingId, recording);
      }
      // A running recording continues with this producer, in the same file.
      room.recordings.set(recordingId, await recording.record(room.router, producerId));
      return { file: recording.name };
    },
    'recording.stop': async ({ roomId, recordingId }) => {
      const recording = running.get(recordingId);
      if (!recording || recording.roomId !== roomId) return { file: null };
      const file = await recording.finish();
      log.info({ roomId, recordingId, producers: recording.segments, bytes: await recording.bytes(), packets: recording.packets(), file }, 'recording finished');
      running.delete(recordingId);
      ctx.server.findRoom(roomId)?.recordings.delete(recordingId);
      const complaint = await recording.stderrTail();
      if (complaint) log.warn({ roomId, recordingId, segments: recording.segments, ffmpeg: complaint }, 'recording ended with ffmpeg errors');
      return { file };
    },
  };
}
