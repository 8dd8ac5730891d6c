import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.cleanup());

describe('security headers', () => {
  it('every answer — page, API, error, health — carries the CSP and the hardening headers', async () => {
    for (const path of ['/', '/api/config', '/api/no-such-route', '/healthz']) {
      const res = await fetch(`${app.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('permissions-policy'), path).toContain('geolocation=()');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('says nothing of TLS over plain HTTP (no HSTS, no upgrade), and both behind TLS', async () => {
    const plain = await fetch(`${app.url}/api/config`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    const tls = await startTestApp({ COOKIE_SECURE: 'true' });
    try {
      const res = await fetch(`${tls.url}/api/config`);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    } finally {
      await tls.cleanup();
    }
  });

  it('never negotiates compressed WebSocket frames, so a deflate bomb has nothing to inflate', async () => {
    // Node's WebSocket offers permessage-deflate, as browsers do; the server must decline it.
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const extensions = await new Promise<string>((resolve, reject) => {
      ws.onopen = () => resolve(ws.extensions);
      ws.onerror = () => reject(new Error('the socket.io WebSocket did not open'));
    });
    ws.close();
    expect(extensions).not.toContain('permessage-deflate');
  });
});
