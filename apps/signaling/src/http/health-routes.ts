import { Router } from 'express';
import type { ReadyResponse, SfuControl } from '@roomcast/shared';

export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

/**
 * `/healthz`: the process is alive and serving (restart it if not).
 * `/readyz`: its dependencies answer too (send it traffic only if so).
 */
export function healthRoutes(checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const results: ReadyResponse['checks'] = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          results[name] = await check();
        } catch (error) {
          results[name] = { ok: false, detail: (error as Error).message };
        }
      }),
    );
    const ready = Object.values(results).every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ ready, checks: results } satisfies ReadyResponse);
  });
  return router;
}

/** The SFU is ready while it runs every configured worker (degraded otherwise) and we accept joins. */
export function sfuReadiness(sfu: SfuControl, accepting: () => boolean): ReadinessCheck {
  return async () => {
    const health = await sfu.request('server.health', {});
    const workers = `${health.running}/${health.configured} worker(s) running`;
    if (!accepting()) return { ok: false, detail: `draining; ${workers}` };
    return health.degraded ? { ok: false, detail: `degraded: ${workers}` } : { ok: true, detail: workers };
  };
}
