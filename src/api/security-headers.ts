/**
 * Security headers on every API answer (Hono's secure-headers): JSON is never a document, so
 * its Content-Security-Policy allows nothing, not even framing (`frame-ancestors 'none'`, and
 * X-Frame-Options DENY for older browsers); X-Content-Type-Options nosniff; no Referer leaves.
 * The PWA's pages get their own policy (server/web-headers.ts).
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/** The API's headers; see the module header. */
export function apiSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  })
}
