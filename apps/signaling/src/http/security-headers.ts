import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Served over TLS (directly or behind a proxy that terminates it): adds HSTS and upgrades. */
  tls: boolean;
}

/**
 * The response headers every answer carries. The CSP is the web app's own: scripts only from
 * this server (Vite emits no inline script), media and images also from blob: (players fed by
 * MediaSource or a Service Worker), sockets to this origin only, no framing by anyone.
 */
export function securityHeaders({ tls }: SecurityHeaderOptions): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React writes style properties, not attributes; inline <style> is what a few libraries inject.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        manifestSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(tls && { upgradeInsecureRequests: [] }),
      },
    },
    strictTransportSecurity: tls ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  return (req, res, next) => {
    // Microphone and capture are what the uses need; no page of ours asks for anything else.
    res.setHeader('Permissions-Policy', PERMISSIONS);
    headers(req, res, next);
  };
}

const PERMISSIONS = 'microphone=(self), camera=(self), display-capture=(self), autoplay=(self), geolocation=(), payment=(), usb=()';
