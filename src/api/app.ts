/**
 * The API: Airtable's read endpoints under `/v0`, served from the mirror with the caller's
 * policy applied, and operations endpoints (`/healthz`, `/v1/status`, `/metrics`; admin-only
 * `/v1/conflicts`, `/v1/audit`, `/v1/outbox`). A Hono app:
 * the server mounts `app.fetch`; tests call `app.request()`.
 *
 * Order of middleware: path normalisation (trailing slash), request metrics, then per route
 * group authentication → per-principal rate limit → body limit. Every error leaves as Airtable's
 * envelope (errors.ts); unknown routes answer `{"error":"NOT_FOUND"}`.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { matchedRoutes } from 'hono/route'
import { getPath } from 'hono/utils/url'
import { DEFAULT_MESSAGES, errorBody } from '../protocol/index.ts'
import { AuthFailureThrottle } from './auth-throttle.ts'
import { apiSecurityHeaders } from './security-headers.ts'
import { authenticate, limitRequests, requireAdmin, requireService } from './auth-middleware.ts'
import { currentPolicies, type ApiContext, type ApiEnv } from './context.ts'
import { NOT_FOUND_BODY, toErrorReply } from './errors.ts'
import { createApiMetrics, type ApiMetrics } from './metrics.ts'
import { createOffsetCodec } from './offsets.ts'
import { resolveApiOptions, type ApiOptions } from './options.ts'
import { RequestLimiter } from './rate-limit.ts'
import { commentRoutes } from './v0/comments.ts'
import { getRoutes } from './v0/get.ts'
import { listRoutes } from './v0/list.ts'
import { metaRoutes } from './v0/meta.ts'
import { writeRoutes } from './v0/write.ts'
import { auditRoutes } from './v1/audit.ts'
import { conflictRoutes } from './v1/conflicts.ts'
import { metricsRoutes } from './v1/metrics.ts'
import { outboxRoutes } from './v1/outbox.ts'
import { mutationRoutes } from './v1/mutations.ts'
import { statusRoutes } from './v1/status.ts'
import { webhookRoutes } from './v1/webhooks.ts'
import { EVENTS_PATH, eventsRoutes } from './v1/events.ts'
import { devSignInRoutes } from './v1/dev-sign-in.ts'

/** The API's Hono app. */
export type ApiApp = Hono<ApiEnv>

/**
 * Creates the API.
 * @example
 * const app = createApi({ db, baseId, getSchema, policies, authenticator, status, metrics, logger })
 * serve({ fetch: app.fetch, port: 8787 })
 */
export function createApi(input: ApiOptions): ApiApp {
  const options = resolveApiOptions(input)
  const ctx: ApiContext = {
    options,
    offsets: createOffsetCodec({
      secret: options.offsetSecret,
      ...(options.offsetMismatchType !== undefined && {
        mismatchType: options.offsetMismatchType,
      }),
    }),
    metrics: createApiMetrics(options.metrics),
    current: currentPolicies(options),
  }
  const limiter = new RequestLimiter({
    requestsPerSecond: options.limits.requestsPerSecond,
    burst: options.limits.burst,
    clock: options.clock,
  })
  const auth = authenticate(options.authenticator, options.logger, {
    queryTokenPaths: [EVENTS_PATH],
    throttle: new AuthFailureThrottle({
      maxFailures: options.limits.authFailuresPerWindow,
      windowMs: options.limits.authFailureWindowMs,
      clock: options.clock,
    }),
    ...(options.clientAddress !== undefined && { clientAddress: options.clientAddress }),
  })
  const rate = limitRequests(limiter, { exemptServiceKey: options.limits.exemptServiceKey })
  const limitBody = bodyLimit({
    maxSize: options.limits.maxBodyBytes,
    onError: (c) => c.json(errorBody('REQUEST_TOO_LARGE', DEFAULT_MESSAGES.REQUEST_TOO_LARGE), 413),
  })

  const app = new Hono<ApiEnv>({ getPath: (request) => normalisePath(getPath(request)) })
  app.use('*', measure(ctx.metrics))
  // The API's own paths only: the server mounts this app at `/` beside the PWA's pages.
  for (const path of ['/v0/*', '/v1/*', '/healthz', '/metrics']) app.use(path, apiSecurityHeaders())
  app.get('/healthz', (c) => c.json({ ok: true }))
  // Airtable's pings carry no token: they prove themselves with a MAC, checked by the route.
  app.route('/v1/webhooks', webhookRoutes(ctx))
  // Development only: how the browser gets a demo token, so before authentication.
  if (options.devSignIn !== undefined) app.route('/v1/dev', devSignInRoutes(options.devSignIn))
  app.use('/v0/*', auth, rate, limitBody)
  app.use('/v1/*', auth, rate, limitBody)
  if (options.operationsAccess === 'service') {
    app.use('/metrics', auth, requireService())
    // Admins (the ops team in the PWA's /admin page) read the sync status too.
    app.use('/v1/status', requireAdmin())
  }
  app.route('/v0/meta', metaRoutes(ctx))
  if (options.upstream !== undefined) app.route('/v0', commentRoutes(ctx, options.upstream))
  app.route('/v0', listRoutes(ctx))
  app.route('/v0', getRoutes(ctx))
  app.route('/v0', writeRoutes(ctx))
  app.route('/v1', statusRoutes(ctx))
  app.route('/v1', mutationRoutes(ctx))
  app.route('/v1', conflictRoutes(ctx))
  app.route('/v1', auditRoutes(ctx))
  app.route('/v1', outboxRoutes(ctx))
  if (options.events !== undefined) app.route('/v1', eventsRoutes(options.events))
  app.route('/', metricsRoutes(ctx))
  app.notFound((c) => c.json(NOT_FOUND_BODY, 404))
  app.onError((error, c) => {
    const reply = toErrorReply(error)
    if (reply.unexpected) options.logger.error({ err: error }, 'unexpected API error')
    return c.json(reply.body, reply.status, reply.headers)
  })
  return app
}

/** Collapses `//` and drops a trailing `/` (airtable.js and others send `…/table/`). */
export function normalisePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/')
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed
}

/** Counts every request by route pattern and status; times reads. */
function measure(metrics: ApiMetrics): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const startMs = performance.now()
    await next()
    const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL')
    const route = handler?.path ?? 'unmatched'
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) })
    // Writes wait for Airtable: timing them as reads would hide the mirror's latency.
    const read = c.req.method === 'GET' || route.endsWith('/listRecords')
    if (route.startsWith('/v0/') && read) {
      metrics.readLatency.observe({ route }, (performance.now() - startMs) / 1000)
    }
  }
}
