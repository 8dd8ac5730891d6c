import { Router } from 'express';
import { consume, tryAgainLater } from '../limits/consume.js';
import type { Limiters } from '../limits/limiters.js';
import {
  CreateAgentBody,
  GrantBody,
  Id,
  LIMITS,
  PairBody,
  parseOrThrow,
  RoomcastError,
  type AgentCredentials,
  type AgentView,
  type GrantView,
  type PairingCodeResponse,
} from '@roomcast/shared';
import { hashToken } from '../auth/sessions.js';
import { mayManageAgent } from '../auth/policy.js';
import type { Database, User } from '../db/index.js';
import { handle, requireRole } from '../http/context.js';
import { notFound } from '../http/errors.js';
import type { LibraryAgent, LibraryGrant } from './library-store.js';
import { formatCode, hashCode, newAgentToken, newPairingCode } from './pairing.js';
import type { AgentPresenceStore } from './presence-store.js';

export interface LibraryRouteDeps {
  db: Database;
  presence: AgentPresenceStore;
  now?: () => number;
  /** The socket side ends what an unpair or a revoke takes away (live sessions, the agent's connection). */
  onUnpaired: (agentId: string) => Promise<void>;
  onRevoked: (agentId: string, userId: string) => Promise<void>;
  /** Where the pair-attempt counts live (memory, or Redis when configured). */
  limiters: Limiters;
  /** Pair attempts per client address per minute: a code is short, so guessing must be slow. */
  pairAttemptsPerMinute?: number;
}

const L = LIMITS.library;

const grantView = (g: LibraryGrant): GrantView => ({ userId: g.userId, displayName: g.displayName, email: g.email, createdAt: g.createdAt.toISOString() });

/** /api/library: pairing, the agent list, unpairing, grants. Guests cannot own or be granted an agent. */
export function libraryRoutes(deps: LibraryRouteDeps): Router {
  const { db, presence } = deps;
  const now = deps.now ?? Date.now;
  const router = Router();
  const pairAttempts = deps.limiters.create('library-pair', { points: deps.pairAttemptsPerMinute ?? 10, durationSeconds: 60 });

  const issueAgent = async (ownerId: string, name: string): Promise<AgentCredentials> => {
    if ((await db.library.countByOwner(ownerId)) >= L.agentsPerAccount) {
      throw new RoomcastError('limit_exceeded', `at most ${L.agentsPerAccount} agents per account; unpair one first`);
    }
    const token = newAgentToken();
    const agent = await db.library.createAgent({ ownerId, name, tokenHash: hashToken(token) });
    return { agentId: agent.id, name: agent.name, token };
  };

  /** The agent, when `userId` owns it; otherwise not_found (someone else's agent is not even confirmed to exist). */
  const ownedAgent = async (rawId: unknown, user: User): Promise<LibraryAgent> => {
    const agent = await db.library.findAgent(parseOrThrow(Id, rawId, 'agent id'));
    if (!agent || !mayManageAgent(user, agent)) throw notFound('agent');
    return agent;
  };

  router.post('/pairing-codes', handle(async (_req, res) => {
    const user = requireRole(res);
    const code = newPairingCode();
    const expiresAt = now() + L.pairingCodeTtlSeconds * 1000;
    if (!(await presence.addPairingCode(hashCode(code), user.id, expiresAt, L.pairingCodesPerAccount, now()))) {
      throw new RoomcastError('limit_exceeded', `at most ${L.pairingCodesPerAccount} pairing codes at once; use one or wait ${L.pairingCodeTtlSeconds / 60} minutes`);
    }
    const body: PairingCodeResponse = { code: formatCode(code), expiresAt: new Date(expiresAt).toISOString() };
    res.status(201).json(body);
  }));

  // No session: the agent proves itself with the code, once.
  router.post('/agents/pair', handle(async (req, res) => {
    await consume(pairAttempts, req.ip ?? 'unknown', tryAgainLater('too many pairing attempts'));
    const body = parseOrThrow(PairBody, req.body, 'pairing');
    const ownerId = await presence.takePairingCode(hashCode(body.code), now());
    if (!ownerId) throw new RoomcastError('invalid_credentials', 'this pairing code is wrong, used or expired; make a new one in the web app (My library)');
    res.status(201).json(await issueAgent(ownerId, body.name));
  }));

  router.post('/agents', handle(async (req, res) => {
    const user = requireRole(res);
    const body = parseOrThrow(CreateAgentBody, req.body, 'agent');
    res.status(201).json(await issueAgent(user.id, body.name));
  }));

  router.get('/agents', handle(async (_req, res) => {
    const user = requireRole(res);
    const agents = await db.library.listForUser(user.id);
    const online = await presence.online(agents.map((a) => a.id));
    const views: AgentView[] = agents.map((a) => ({
      id: a.id,
      name: a.name,
      ownerId: a.ownerId,
      ownerName: a.ownerName,
      mine: a.ownerId === user.id,
      online: online.has(a.id),
      createdAt: a.createdAt.toISOString(),
    }));
    res.json({ agents: views });
  }));

  router.delete('/agents/:id', handle(async (req, res) => {
    const agent = await ownedAgent(req.params.id, requireRole(res));
    await db.library.deleteAgent(agent.id);
    await deps.onUnpaired(agent.id);
    res.status(204).end();
  }));

  router.get('/agents/:id/grants', handle(async (req, res) => {
    const agent = await ownedAgent(req.params.id, requireRole(res));
    res.json({ grants: (await db.library.listGrants(agent.id)).map(grantView) });
  }));

  router.post('/agents/:id/grants', handle(async (req, res) => {
    const user = requireRole(res);
    const agent = await ownedAgent(req.params.id, user);
    const body = parseOrThrow(GrantBody, req.body, 'grant');
    const grantee = await db.users.findByEmail(body.email);
    if (!grantee || grantee.isGuest) throw notFound('account with that email');
    if (grantee.id === user.id) throw new RoomcastError('bad_request', 'you already own this library');
    const grants = await db.library.listGrants(agent.id);
    if (!grants.some((g) => g.userId === grantee.id) && grants.length >= L.grantsPerAgent) {
      throw new RoomcastError('limit_exceeded', `at most ${L.grantsPerAgent} people per library`);
    }
    await db.library.grant(agent.id, grantee.id);
    const granted = (await db.library.listGrants(agent.id)).find((g) => g.userId === grantee.id)!;
    res.status(201).json({ grant: grantView(granted) });
  }));

  router.delete('/agents/:id/grants/:userId', handle(async (req, res) => {
    const agent = await ownedAgent(req.params.id, requireRole(res));
    const userId = parseOrThrow(Id, req.params.userId, 'user id');
    if (!(await db.library.revoke(agent.id, userId))) throw notFound('grant');
    await deps.onRevoked(agent.id, userId);
    res.status(204).end();
  }));

  return router;
}
