import { mkdir } from 'node:fs/promises';
import { RoomcastError } from '@roomcast/shared';
import { Recording } from '../recording.js';
import type { HandlerContext, Handlers } from './context.js';

type RecordingMethods = 'recording.start' | 'recording.stop';

/** Broadcast recordings: one ffmpeg per segment, in the SFU's recordings folder only. */
export function recordingHandlers(ctx: HandlerContext): Handlers<RecordingMethods> {
  const { config, log } = ctx.server;
  /**
   * Every recording until asked to stop, also after its room closed (the room stops its
   * segment then, and `recording.stop` still answers with the finished file).
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
      // A running recording continues with this producer: a new segment of the same archive.
      const segment = await recording.record(room.router, producerId);
      room.recordings.set(recordingId, segment);
      return { file: recording.name };
    },
    'recording.stop': async ({ roomId, recordingId }) => {
      const recording = running.get(recordingId);
      if (!recording || recording.roomId !== roomId) return { file: null };
      const [sizes, packets] = [await recording.sizes(), await recording.packetsSent()];
      const file = await recording.finish();
      log.info({ roomId, recordingId, segmentBytes: sizes, segmentPackets: packets, file }, 'recording finished');
      running.delete(recordingId);
      ctx.server.findRoom(roomId)?.recordings.delete(recordingId);
      const complaint = recording.stderrTail();
      if (complaint) log.warn({ roomId, recordingId, segments: recording.segments, ffmpeg: complaint }, 'recording ended with ffmpeg errors');
      return { file };
    },
  };
}
