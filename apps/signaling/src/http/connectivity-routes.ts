import { Router } from 'express';
import type { Logger } from 'pino';
import type { IceConfigResponse, SelfTestResponse } from '@roomcast/shared';
import { turnCredentials, type TurnSettings } from '../auth/turn-credentials.js';
import { probeTurnUrls } from '../turn/self-test.js';
import { handle, requireUser } from './context.js';

/** Results are reused this long, so the page cannot be used to make us allocate relays in a loop. */
const SELF_TEST_CACHE_MS = 10_000;

export interface ConnectivityDeps {
  turn: TurnSettings | undefined;
  connectTimeoutMs: number;
  log: Logger;
}

/** Runs the TURN self-test, sharing one run among concurrent callers and caching it briefly. */
export function selfTestRunner(deps: ConnectivityDeps): () => Promise<SelfTestResponse> {
  let last: { at: number; result: Promise<SelfTestResponse> } | undefined;
  return () => {
    if (last && Date.now() - last.at < SELF_TEST_CACHE_MS) return last.result;
    const result = (async (): Promise<SelfTestResponse> => {
      const checkedAt = new Date().toISOString();
      if (!deps.turn) return { configured: false, ok: false, results: [], checkedAt };
      const results = await probeTurnUrls(deps.turn.urls, turnCredentials(deps.turn, 'roomcast-self-test'));
      return { configured: true, ok: results.every((r) => r.ok), results, checkedAt };
    })();
    last = { at: Date.now(), result };
    return result;
  };
}

/**
 * `/api/ice-servers`: the ICE configuration for peer links, with short-lived TURN credentials
 * for the signed-in (or guest) user. `/api/connectivity/self-test`: is each TURN URL usable?
 */
export function connectivityRoutes(deps: ConnectivityDeps, selfTest: () => Promise<SelfTestResponse>): Router {
  const router = Router();
  router.get('/ice-servers', (_req, res) => {
    const user = requireUser(res);
    res.setHeader('Cache-Control', 'no-store');
    const body: IceConfigResponse = {
      iceServers: deps.turn ? [turnCredentials(deps.turn, user.id)] : [],
      ttlSeconds: deps.turn?.ttlSeconds ?? 0,
      connectTimeoutMs: deps.connectTimeoutMs,
    };
    res.json(body);
  });
  router.get(
    '/connectivity/self-test',
    handle(async (_req, res) => {
      const user = requireUser(res);
      const result = await selfTest();
      // Every failure the user sees also leaves a line with its cause.
      if (result.configured && !result.ok) deps.log.warn({ userId: user.id, results: result.results }, 'turn self-test failed (requested)');
      res.setHeader('Cache-Control', 'no-store');
      res.json(result);
    }),
  );
  return router;
}
