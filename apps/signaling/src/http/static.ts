import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

const API_PREFIXES = ['/api/', '/socket.io/', '/healthz', '/readyz'];

/** Serves the built web app, with index.html for every client-side route. */
export function webApp(dist: string): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  if (!dist || !existsSync(index)) {
    router.get('/', (_req, res) => {
      res.type('text').send('Roomcast API is running; the web app is not built (pnpm --filter @roomcast/web build).');
    });
    return router;
  }
  router.use(express.static(dist, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }));
  router.get(/.*/, (req, res, next) => {
    if (API_PREFIXES.some((p) => req.path.startsWith(p))) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

function noCacheForHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
