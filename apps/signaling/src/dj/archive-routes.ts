import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Router, type Response } from 'express';
import { ArchiveEditBody, ChannelHandle, Id, LIMITS, PageQuery, parseOrThrow, type LikeReplay } from '@roomcast/shared';
import type { Database } from '../db/index.js';
import { allowed, enforce, mayManageArchives, maySeeArchive } from '../auth/policy.js';
import { currentUser, handle, requireUser } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { broadcastView, chatView, type Broadcast, type Channel } from './channel-store.js';

export interface ArchiveRouteDeps {
  db: Database;
  /** Where recordings are (the embedded SFU's folder); undefined: none are served here. */
  archivesDir: string | undefined;
}

/**
 * A channel's archives: recordings of ended broadcasts, hidden until the broadcaster publishes
 * them. Everyone lists and plays published ones (with range requests, so players seek); the
 * owner sees, edits, publishes and deletes all of them.
 */
export function archiveRoutes({ db, archivesDir }: ArchiveRouteDeps): Router {
  const router = Router();

  const channelOf = async (raw: unknown): Promise<Channel> => {
    const channel = await db.channels.findByHandle(parseOrThrow(ChannelHandle, raw, 'channel handle'));
    if (!channel) throw notFound('channel');
    return channel;
  };
  /** The archive, or not_found — also when it is hidden and the caller is not the owner. */
  const archiveOf = async (res: Response, channel: Channel, rawId: unknown): Promise<Broadcast> => {
    const broadcast = await db.channels.findBroadcast(parseOrThrow(Id, rawId, 'archive id'));
    if (!broadcast || broadcast.channelId !== channel.id || !broadcast.archiveFile) throw notFound('archive');
    if (!maySeeArchive(currentUser(res), channel, broadcast)) throw notFound('archive');
    return broadcast;
  };
  const ownerOnly = (res: Response, channel: Channel) => {
    enforce(mayManageArchives(requireUser(res), channel));
  };

  router.get(
    '/:handle/archives',
    handle(async (req, res) => {
      const channel = await channelOf(req.params.handle);
      const page = await db.channels.archives(channel.id, allowed(mayManageArchives(currentUser(res), channel)), parseOrThrow(PageQuery, req.query, 'page'));
      res.json({ broadcasts: page.items.map(broadcastView), next: page.next });
    }),
  );

  router.patch(
    '/:handle/archives/:id',
    handle(async (req, res) => {
      const channel = await channelOf(req.params.handle);
      ownerOnly(res, channel);
      const body = parseOrThrow(ArchiveEditBody, req.body, 'archive');
      const archive = await archiveOf(res, channel, req.params.id);
      const edited = await db.channels.editArchive(archive.id, body);
      if (!edited) throw notFound('archive');
      res.json({ broadcast: broadcastView(edited) });
    }),
  );

  router.delete(
    '/:handle/archives/:id',
    handle(async (req, res) => {
      const channel = await channelOf(req.params.handle);
      ownerOnly(res, channel);
      const archive = await archiveOf(res, channel, req.params.id);
      const file = await db.channels.dropArchive(archive.id);
      if (file && archivesDir) await rm(path.join(archivesDir, path.basename(file)), { force: true });
      res.status(204).end();
    }),
  );

  router.get(
    '/:handle/archives/:id/likes',
    handle(async (req, res) => {
      const channel = await channelOf(req.params.handle);
      const archive = await archiveOf(res, channel, req.params.id);
      const body: LikeReplay = { likes: (await db.channels.likeLog(archive.id, LIMITS.dj.likeReplay)).map((at) => ({ at: at.toISOString() })) };
      res.json(body);
    }),
  );

  router.get(
    '/:handle/archives/:id/chat',
    handle(async (req, res) => {
      const channel = await channelOf(req.params.handle);
      const archive = await archiveOf(res, channel, req.params.id);
      res.json({ messages: (await db.channels.chatLog(archive.id, LIMITS.dj.chatReplay)).map(chatView) });
    }),
  );

  router.get(
    '/:handle/archives/:id/audio',
    handle(async (req, res) => {
      const channel = await channelOf(req.params.handle);
      const archive = await archiveOf(res, channel, req.params.id);
      if (!archivesDir) throw notFound('archive audio');
      // `send` (under sendFile) answers Range requests, so players seek; the name is our own.
      res.setHeader('Cache-Control', archive.published ? 'public, max-age=300' : 'private, no-store');
      await new Promise<void>((resolve, reject) =>
        res.sendFile(path.basename(archive.archiveFile!), { root: archivesDir, headers: { 'Content-Type': 'audio/ogg' } }, (error) => {
          if (!error || res.headersSent) return resolve();
          reject((error as { code?: string }).code === 'ENOENT' ? notFound('archive audio') : error);
        }),
      );
    }),
  );

  return router;
}
