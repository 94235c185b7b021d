/**
 * Security headers on the PWA's files (Hono's secure-headers). The Content-Security-Policy is
 * what the Vite build needs and no more: its module scripts, styles and the service worker from
 * the same origin (and inline styles, which the bundle sets at run time), fetches and the
 * `/v1/events` stream to the same origin, the web manifest;
 * images also from `https:` and `data:` (attachment URLs are Airtable's). WebAssembly may be
 * compiled (`'wasm-unsafe-eval'`: a linear-time regex engine may ship as WASM); no other eval,
 * no inline script, no plugins. Never framed: `frame-ancestors 'none'` and X-Frame-Options DENY.
 * Referrer-Policy strict-origin-when-cross-origin: outbound links carry the origin only.
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

const SELF = "'self'"

/** The PWA's headers; see the module header. */
export function webSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: [SELF],
      scriptSrc: [SELF, "'wasm-unsafe-eval'"],
      // The built app applies inline styles at run time (Chromium refuses them otherwise); a
      // style cannot run script, so this is the one inline allowance.
      styleSrc: [SELF, "'unsafe-inline'"],
      imgSrc: [SELF, 'data:', 'blob:', 'https:'],
      fontSrc: [SELF, 'data:'],
      connectSrc: [SELF],
      workerSrc: [SELF],
      manifestSrc: [SELF],
      objectSrc: ["'none'"],
      baseUri: [SELF],
      formAction: [SELF],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
  })
}
