import { Router } from 'express';
import { CreatePartyBody, Id, LIMITS, parseOrThrow, partyPath, RoomcastError, type PartyInfo } from '@roomcast/shared';
import type { Database } from '../db/index.js';
import { needsPartyPin } from '../auth/policy.js';
import type { Party, PartyStore } from '../party/party-store.js';
import { hashPin } from '../party/pin-guard.js';
import type { Clock } from '../rooms/clock.js';
import { playableVideo, type VideoAccess } from '../videos/video-store.js';
import { handle, requireUser } from './context.js';
import { notFound } from './errors.js';

export interface PartyRouteDeps {
  db: Database;
  parties: PartyStore;
  videoAccess: VideoAccess;
  clock: Clock;
  /** Parties one account may have open at once. */
  perAccount: number;
  /** Members up to which a new party talks peer to peer. */
  meshVoiceMax: number;
}

const info = (party: Party, name: string, callerId: string): PartyInfo => ({
  roomId: party.roomId,
  name,
  hasPin: party.pinHash !== null,
  needsPin: needsPartyPin(party, callerId),
  members: party.members.length,
  sharePath: partyPath(party.roomId),
});

/**
 * POST /api/parties starts a party (a watch room) from a ready video the caller may watch;
 * GET /api/parties/:id tells anyone signed in what a share link leads to before they join.
 */
export function partyRoutes({ db, parties, videoAccess, clock, perAccount, meshVoiceMax }: PartyRouteDeps): Router {
  const router = Router();

  router.post(
    '/',
    handle(async (req, res) => {
      const user = requireUser(res);
      const body = parseOrThrow(CreatePartyBody, req.body, 'party');
      const video = await playableVideo(db.videos, videoAccess, body.videoId, user);
      if ((await parties.countByCreator(user.id)) >= perAccount) {
        throw new RoomcastError('limit_exceeded', `at most ${perAccount} open parties per account; close one first`);
      }
      const name = video.title.slice(0, LIMITS.roomName.max);
      const room = await db.rooms.create({ name, kind: 'watch', ownerId: user.id });
      const party = await parties.create({
        roomId: room.id,
        creatorId: user.id,
        pinHash: body.pin === undefined ? null : hashPin(body.pin),
        videoId: video.id,
        videoTitle: video.title,
        durationS: video.durationMs / 1000,
        hostPeerId: null,
        meshVoiceMax,
        controls: 'host',
        state: { videoId: video.id, paused: true, rate: 1, position: 0, at: clock(), seq: 0 },
        members: [],
        queue: [],
        chat: [],
        revision: 0,
      });
      res.status(201).json({ party: info(party, room.name, user.id) });
    }),
  );

  router.get(
    '/:id',
    handle(async (req, res) => {
      const user = requireUser(res);
      const id = parseOrThrow(Id, req.params.id, 'party id');
      const room = await db.rooms.findById(id);
      const party = await parties.get(id);
      if (!room || room.closedAt || !party) throw notFound('party');
      res.json({ party: info(party, room.name, user.id) });
    }),
  );

  return router;
}
