import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { RoomcastError } from '@roomcast/shared';
import { Recorder } from '../recorder.js';
import type { HandlerContext, Handlers } from './context.js';

type RecordingMethods = 'recording.start' | 'recording.stop';

/** Broadcast recordings: one ffmpeg per recording, in the SFU's recordings folder only. */
export function recordingHandlers(ctx: HandlerContext): Handlers<RecordingMethods> {
  const { config, log } = ctx.server;
  /**
   * Every recording until asked to stop, also after its room closed (the room stops it then,
   * and `recording.stop` still answers with the finished file).
   */
  const running = new Map<string, { roomId: string; recorder: Recorder }>();
  return {
    'recording.start': async ({ roomId, producerId, recordingId }) => {
      if (!config.recordingsDir) throw new RoomcastError('unavailable', 'recording is off on this media server (SFU_RECORDINGS_DIR)');
      const room = ctx.room(roomId);
      room.producer(producerId);
      if (running.has(recordingId)) throw new RoomcastError('conflict', `recording ${recordingId} is already running`);
      await mkdir(config.recordingsDir, { recursive: true });
      // The id is url-safe (checked by the schema), so the name cannot leave the folder.
      const file = path.join(config.recordingsDir, `${recordingId}.ogg`);
      const recorder = await Recorder.start(room.router, producerId, file, config.ffmpegPath);
      room.recordings.set(recordingId, recorder);
      running.set(recordingId, { roomId, recorder });
      return { file: recorder.name };
    },
    'recording.stop': async ({ roomId, recordingId }) => {
      const entry = running.get(recordingId);
      if (!entry || entry.roomId !== roomId) return { file: null };
      const { recorder } = entry;
      await recorder.stop();
      running.delete(recordingId);
      ctx.server.findRoom(roomId)?.recordings.delete(recordingId);
      const complaint = recorder.stderrTail();
      if (complaint) log.warn({ roomId, recordingId, ffmpeg: complaint }, 'recording ended with ffmpeg errors');
      return { file: recorder.name };
    },
  };
}
