import { Router } from 'express';
import ical from 'ical-generator';
import { ChannelBody, ChannelHandle, FollowBody, Id, LIMITS, PageQuery, parseOrThrow, RoomcastError, ScheduleBody, type BroadcastPage, type FollowState } from '@roomcast/shared';
import { DuplicateError, type Database } from '../db/index.js';
import { shortId } from '../db/ids.js';
import { enforce, mayOwnChannel, mayScheduleBroadcast } from '../auth/policy.js';
import { handle, requireAllowed, requireRole } from '../http/context.js';
import { notFound } from '../http/errors.js';
import type { Clock } from '../rooms/clock.js';
import { broadcastView, channelView, type Broadcast, type Channel, type Page } from './channel-store.js';

export interface ChannelRouteDeps {
  db: Database;
  clock: Clock;
}

const pageView = (page: Page<Broadcast>): BroadcastPage => ({ broadcasts: page.items.map(broadcastView), next: page.next });

/**
 * Channels: a broadcaster's own (`/mine`), and any channel by handle for anyone, signed in or
 * not (listening needs no account; chat and likes ride the room connection, which does).
 */
export function channelRoutes({ db, clock }: ChannelRouteDeps): Router {
  const router = Router();
  const channels = db.channels;

  const byHandle = async (raw: unknown): Promise<Channel> => {
    const channel = await channels.findByHandle(parseOrThrow(ChannelHandle, raw, 'channel handle'));
    if (!channel) throw notFound('channel');
    return channel;
  };
  const withLive = async (channel: Channel) => ({ channel: channelView(channel, await channels.live(channel.id)) });

  router.get(
    '/mine',
    handle(async (_req, res) => {
      const owner = requireAllowed(res, mayOwnChannel);
      const channel = await channels.findByOwner(owner.id);
      if (!channel) throw notFound('channel');
      res.json(await withLive(channel));
    }),
  );

  router.put(
    '/mine',
    handle(async (req, res) => {
      const owner = requireAllowed(res, mayOwnChannel);
      const fields = parseOrThrow(ChannelBody, req.body, 'channel');
      const taken = () => new RoomcastError('conflict', `the handle "${fields.handle}" is taken; pick another`);
      try {
        const updated = await channels.update(owner.id, fields);
        if (updated) return void res.json(await withLive(updated));
        // The channel's DJ room lives as long as the channel: the studio and listeners join it.
        const room = await db.rooms.create({ name: fields.title.slice(0, LIMITS.roomName.max), kind: 'dj', ownerId: owner.id });
        try {
          const created = await channels.create({ ...fields, id: shortId(), ownerId: owner.id, roomId: room.id });
          res.status(201).json(await withLive(created));
        } catch (error) {
          await db.rooms.close(room.id);
          throw error;
        }
      } catch (error) {
        if (error instanceof DuplicateError && error.isOn('handle')) throw taken();
        // Two first saves at once: the other one made the channel; this one edits it.
        if (error instanceof DuplicateError && error.isOn('ownerId')) throw new RoomcastError('conflict', 'your channel was just created; save again');
        throw error;
      }
    }),
  );

  router.get(
    '/:handle',
    handle(async (req, res) => {
      res.json(await withLive(await byHandle(req.params.handle)));
    }),
  );

  /** Following: signed-in accounts only (a guest has nowhere to be told later). */
  router.get(
    '/:handle/follow',
    handle(async (req, res) => {
      const user = requireRole(res);
      const channel = await byHandle(req.params.handle);
      const follow = await channels.following(channel.id, user.id);
      res.json({ following: follow !== null, email: follow?.email ?? false } satisfies FollowState);
    }),
  );

  router.put(
    '/:handle/follow',
    handle(async (req, res) => {
      const user = requireRole(res);
      const channel = await byHandle(req.params.handle);
      const { email } = parseOrThrow(FollowBody, req.body ?? {}, 'follow');
      if (!(await channels.follow(channel.id, user.id, email, LIMITS.dj.followsPerUser))) {
        throw new RoomcastError('limit_exceeded', `you follow ${LIMITS.dj.followsPerUser} channels already; unfollow one first`);
      }
      res.json({ following: true, email } satisfies FollowState);
    }),
  );

  router.delete(
    '/:handle/follow',
    handle(async (req, res) => {
      const user = requireRole(res);
      const channel = await byHandle(req.params.handle);
      await channels.unfollow(channel.id, user.id);
      res.json({ following: false, email: false } satisfies FollowState);
    }),
  );

  router.get(
    '/:handle/upcoming',
    handle(async (req, res) => {
      const channel = await byHandle(req.params.handle);
      const page = parseOrThrow(PageQuery, req.query, 'page');
      res.json(pageView(await channels.upcoming(channel.id, new Date(clock()), page)));
    }),
  );

  router.get(
    '/:handle/past',
    handle(async (req, res) => {
      const channel = await byHandle(req.params.handle);
      const page = parseOrThrow(PageQuery, req.query, 'page');
      res.json(pageView(await channels.past(channel.id, page)));
    }),
  );

  router.post(
    '/:handle/schedule',
    handle(async (req, res) => {
      const user = requireAllowed(res, mayOwnChannel);
      const channel = await byHandle(req.params.handle);
      enforce(mayScheduleBroadcast(user, channel));
      const body = parseOrThrow(ScheduleBody, req.body, 'schedule');
      const now = new Date(clock());
      if (Date.parse(body.end) <= now.getTime()) throw new RoomcastError('bad_request', 'that broadcast would already be over');
      if ((await channels.countUpcoming(channel.id, now)) >= LIMITS.dj.scheduledPerChannel) {
        throw new RoomcastError('limit_exceeded', `at most ${LIMITS.dj.scheduledPerChannel} upcoming broadcasts per channel`);
      }
      const broadcast = await channels.schedule(channel.id, {
        id: shortId(),
        title: body.title,
        description: body.description,
        start: new Date(body.start),
        end: new Date(body.end),
      });
      res.status(201).json({ broadcast: broadcastView(broadcast) });
    }),
  );

  /** One scheduled broadcast as an iCalendar file, for "add to calendar". */
  router.get(
    '/:handle/broadcasts/:id.ics',
    handle(async (req, res) => {
      const channel = await byHandle(req.params.handle);
      const broadcast = await channels.findBroadcast(parseOrThrow(Id, req.params.id, 'broadcast id'));
      if (!broadcast || broadcast.channelId !== channel.id || !broadcast.scheduledStart || !broadcast.scheduledEnd) throw notFound('broadcast');
      const origin = `${req.protocol}://${req.get('host')}`;
      const calendar = ical({ name: channel.title, prodId: { company: 'Roomcast', product: 'roomcast' } });
      calendar.createEvent({
        id: `${broadcast.id}@roomcast`,
        start: broadcast.scheduledStart,
        end: broadcast.scheduledEnd,
        summary: `${broadcast.title} — ${channel.title}`,
        description: broadcast.description,
        url: `${origin}/c/${channel.handle}`,
      });
      res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${broadcast.id}.ics"`);
      res.send(calendar.toString());
    }),
  );

  return router;
}
