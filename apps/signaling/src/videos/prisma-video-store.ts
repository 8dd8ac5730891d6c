// VideoStore on Prisma (both providers; typed against the SQLite client, see db/prisma-stores.ts).
import { VideoContainer, VideoStatus } from '@roomcast/shared';
import type {
  Prisma,
  PrismaClient,
  Video as VideoRow,
  VideoRendition as RenditionRow,
  VideoSubtitle as SubtitleRow,
} from '../generated/sqlite/client.js';
import { InvalidValueError } from '../db/errors.js';
import type { NewVideo, Rendition, Subtitle, TranscodeOutput, Video, VideoStore } from './video-store.js';

type Row = VideoRow & { renditions: RenditionRow[]; subtitles: SubtitleRow[] };
const withFiles = { renditions: true, subtitles: { orderBy: { createdAt: 'asc' } } } as const;

function status(value: string): VideoStatus {
  const parsed = VideoStatus.safeParse(value);
  if (!parsed.success) throw new InvalidValueError('video status', value, VideoStatus.options.join(' | '));
  return parsed.data;
}

function toRendition(row: RenditionRow): Rendition {
  const container = VideoContainer.safeParse(row.container);
  if (!container.success) throw new InvalidValueError('rendition container', row.container, VideoContainer.options.join(' | '));
  return { container: container.data, width: row.width, height: row.height, file: row.file, bytes: Number(row.bytes) };
}

const toSubtitle = (row: SubtitleRow): Subtitle => ({ id: row.id, lang: row.lang, label: row.label, file: row.file, createdAt: row.createdAt });

function toVideo(row: Row): Video {
  return {
    id: row.id,
    ownerId: row.ownerId,
    title: row.title,
    status: status(row.status),
    progress: row.progress,
    error: row.error,
    sourceName: row.sourceName,
    sourceBytes: Number(row.sourceBytes),
    durationMs: row.durationMs,
    width: row.width,
    height: row.height,
    hasAudio: row.hasAudio,
    poster: row.poster,
    sprite: row.sprite,
    thumbnails: row.thumbnails,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    renditions: row.renditions.map(toRendition),
    subtitles: row.subtitles.map(toSubtitle),
  };
}

const clampPercent = (n: number) => Math.max(0, Math.min(100, Math.round(n)));

export class PrismaVideoStore implements VideoStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: NewVideo): Promise<Video> {
    const row = await this.prisma.video.create({
      data: { ...input, sourceBytes: BigInt(input.sourceBytes), status: 'queued', progress: 0 },
      include: withFiles,
    });
    return toVideo(row);
  }

  async findById(id: string): Promise<Video | null> {
    const row = await this.prisma.video.findUnique({ where: { id }, include: withFiles });
    return row ? toVideo(row) : null;
  }

  async listByOwner(ownerId: string, limit = 100): Promise<Video[]> {
    const rows = await this.prisma.video.findMany({
      where: { ownerId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: Math.max(1, Math.min(limit, 1000)),
      include: withFiles,
    });
    return rows.map(toVideo);
  }

  countByOwner(ownerId: string): Promise<number> {
    return this.prisma.video.count({ where: { ownerId } });
  }

  async rename(id: string, title: string): Promise<Video | null> {
    const { count } = await this.prisma.video.updateMany({ where: { id }, data: { title } });
    return count ? this.findById(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.video.deleteMany({ where: { id } });
    return count > 0;
  }

  async setProgress(id: string, next: VideoStatus, progress: number, error: string | null = null): Promise<boolean> {
    const { count } = await this.prisma.video.updateMany({
      where: { id },
      data: { status: status(next), progress: clampPercent(progress), error },
    });
    return count > 0;
  }

  async finish(id: string, output: TranscodeOutput): Promise<Video | null> {
    const done = await this.prisma.$transaction((tx) => writeFinish(tx, id, output));
    return done ? this.findById(id) : null;
  }

  async addSubtitle(videoId: string, subtitle: Omit<Subtitle, 'createdAt'>): Promise<Subtitle | null> {
    try {
      return toSubtitle(await this.prisma.videoSubtitle.create({ data: { ...subtitle, videoId } }));
    } catch (err) {
      // The video was deleted meanwhile (foreign key), or never existed.
      if ((await this.prisma.video.count({ where: { id: videoId } })) === 0) return null;
      throw err;
    }
  }

  async deleteSubtitle(videoId: string, subtitleId: string): Promise<Subtitle | null> {
    const row = await this.prisma.videoSubtitle.findFirst({ where: { id: subtitleId, videoId } });
    if (!row) return null;
    const { count } = await this.prisma.videoSubtitle.deleteMany({ where: { id: subtitleId, videoId } });
    return count ? toSubtitle(row) : null;
  }
}

/**
 * Marks the video ready with exactly these outputs, inside the caller's transaction (the
 * transcode queue commits its job and the video together). @returns false when the video is gone.
 */
export async function writeFinish(tx: Prisma.TransactionClient, id: string, output: TranscodeOutput): Promise<boolean> {
  const { count } = await tx.video.updateMany({
    where: { id },
    data: { status: 'ready', progress: 100, error: null, poster: output.poster, sprite: output.sprite, thumbnails: output.thumbnails },
  });
  if (!count) return false;
  await tx.videoRendition.deleteMany({ where: { videoId: id } });
  await tx.videoRendition.createMany({
    data: output.renditions.map((r) => ({ videoId: id, container: r.container, width: r.width, height: r.height, file: r.file, bytes: BigInt(r.bytes) })),
  });
  return true;
}
