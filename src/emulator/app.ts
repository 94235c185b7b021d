/**
 * `createEmulator(options)`: the Airtable-compatible Hono app and the handles to steer it.
 *
 * Pipeline for `/v0/*`: CORS → count → URL length → bearer auth → rate limits → faults → body
 * limit → routes (meta, webhooks, records). `/__emulator/*` needs a token but is never limited or
 * faulted. Every answer is JSON (`application/json; charset=utf-8`) in Airtable's envelope.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { getPath } from 'hono/utils/url'
import { DEFAULT_MESSAGES, errorBody } from '../protocol/errors.ts'
import { normalisePath } from './classify.ts'
import type { EmulatorEnv } from './env.ts'
import { FaultController } from './fault-controller.ts'
import { CommentStore } from './comments.ts'
import { isExpectedError, NOT_FOUND_BODY, replyError } from './http-errors.ts'
import { IteratorStore } from './iterators.ts'
import { RateLimiter } from './limits.ts'
import {
  countRequests,
  injectFaults,
  limitUrlLength,
  rateLimit,
  requireToken,
} from './middleware.ts'
import { resolveOptions, type EmulatorOptions } from './options.ts'
import { BaseRegistry } from './registry.ts'
import type { RouteContext } from './routes/context.ts'
import { commentRoutes } from './routes/comments.ts'
import { controlRoutes } from './routes/control.ts'
import { metaRoutes } from './routes/meta.ts'
import { recordReadRoutes } from './routes/records.ts'
import { recordWriteRoutes } from './routes/records-write.ts'
import { attachPersistence, type Persistence } from './persist-bases.ts'
import { EmulatedBase } from './state/index.ts'
import {
  createWebhookControlRoutes,
  createWebhookHub,
  createWebhookRoutes,
  webhookBaseOf,
  type WebhookHub,
} from './webhooks/index.ts'
import { RequestStats } from './stats.ts'
import { TokenRegistry } from './tokens.ts'

/** A running emulator (in-process; serve `app.fetch` with node.ts `listen`). */
export interface Emulator extends AsyncDisposable {
  readonly app: Hono<EmulatorEnv>
  readonly bases: BaseRegistry
  readonly tokens: TokenRegistry
  readonly faults: FaultController
  readonly stats: RequestStats
  readonly iterators: IteratorStore
  /** Record comments (not persisted). */
  readonly comments: CommentStore
  /** The webhooks of every base. */
  readonly webhooks: WebhookHub
  /** Writes pending persisted state now (no-op without `dataDir`). */
  flush(): Promise<void>
  /** Releases hung requests, stops timers, writes pending state. */
  close(): Promise<void>
}

const JSON_TYPE = 'application/json; charset=utf-8'

/** Builds an emulator; restores state from `dataDir` when given. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const o = resolveOptions(options)
  const clock = o.clock
  const bases = new BaseRegistry(o.bases)
  const tokens = new TokenRegistry(o.tokens, o.apiUser)
  const faults = new FaultController(o.faults, o.random)
  const stats = new RequestStats(clock.now())
  const comments = new CommentStore(clock)
  const iterators = new IteratorStore({ clock, ttlMs: o.iteratorTtlMs })
  const webhooks = createWebhookHub({ clock, ...o.webhooks })
  for (const base of bases.list()) webhooks.attach(webhookBaseOf(base))
  // A base replaced under the same ID (reset, restore) keeps its webhooks.
  bases.onSet((base) => webhooks.attach(webhookBaseOf(base)))
  const persistence: Persistence | undefined =
    o.dataDir === undefined
      ? undefined
      : await attachPersistence({
          dir: o.dataDir,
          bases,
          clock,
          delayMs: o.persistDelayMs,
          onError: o.onError,
          parts: [
            {
              name: 'webhooks',
              snapshot: () => webhooks.snapshot(),
              restore: (json) => webhooks.restore(json),
            },
          ],
        })
  const initial = new Map(o.bases.map((b) => [b.id, b.toSnapshot()]))
  const limit = o.rateLimit
  const perBase =
    limit === false
      ? undefined
      : new RateLimiter({
          limit: limit.perBase,
          windowMs: limit.windowMs,
          penaltyMs: limit.penaltyMs,
        })
  const perToken =
    limit === false
      ? undefined
      : new RateLimiter({
          limit: limit.perToken,
          windowMs: limit.windowMs,
          penaltyMs: limit.penaltyMs,
        })

  const ctx: RouteContext = {
    bases,
    iterators,
    comments,
    clock,
    list: { requireLocaleForStringFormat: o.requireLocaleForStringFormat },
    rollupAggregationInSchema: o.rollupAggregationInSchema,
  }
  const limitBody = bodyLimit({
    maxSize: o.maxBodyBytes,
    onError: (c) => c.json(errorBody('REQUEST_TOO_LARGE', DEFAULT_MESSAGES.REQUEST_TOO_LARGE), 413),
  })

  const app = new Hono<EmulatorEnv>({ getPath: (request) => normalisePath(getPath(request)) })
  app.use('*', cors({ origin: '*' }))
  app.use('*', async (c, next) => {
    await next()
    if (c.res.headers.get('content-type')?.startsWith('application/json') === true) {
      c.res.headers.set('content-type', JSON_TYPE)
    }
  })
  app.use('*', countRequests(stats))
  app.use('*', limitUrlLength({ maxUrlLength: o.maxUrlLength, status: o.urlTooLongStatus }))
  app.use('/__emulator/*', requireToken(tokens), limitBody)
  if (persistence !== undefined && o.persistBeforeAck) {
    // Outermost of the persistence shells: the answer leaves only once its changes are on disk.
    app.use('*', async (_c, next) => {
      await next()
      await persistence.durable()
    })
  }
  if (persistence !== undefined) {
    // Webhook state also changes without a base transaction (create, refresh, cursor reads).
    const touch: MiddlewareHandler<EmulatorEnv> = async (_c, next) => {
      await next()
      persistence.touch()
    }
    app.use('/v0/bases/*', touch)
    app.use('/__emulator/*', touch)
  }
  app.use(
    '/v0/*',
    requireToken(tokens),
    rateLimit({
      clock,
      perBase,
      perToken,
      retryAfterHeader: limit !== false && limit.retryAfterHeader,
    }),
    injectFaults(faults),
    limitBody,
  )

  app.route(
    '/__emulator',
    controlRoutes({
      ...ctx,
      faults,
      stats,
      limiters: { perBase, perToken },
      resetBase: (baseId) => {
        bases.require(baseId)
        const snapshot = initial.get(baseId)
        if (snapshot !== undefined) bases.set(EmulatedBase.fromSnapshot(snapshot, { clock }))
        iterators.expireAll()
      },
    }),
  )
  app.route('/__emulator', createWebhookControlRoutes({ hub: webhooks }))
  app.route('/v0/meta', metaRoutes(ctx))
  app.route('/v0', createWebhookRoutes({ hub: webhooks }))
  app.route('/v0', commentRoutes(ctx))
  app.route('/v0', recordReadRoutes(ctx))
  app.route('/v0', recordWriteRoutes(ctx))
  app.notFound((c) => c.json(NOT_FOUND_BODY, 404))
  app.onError((error, c) => {
    if (!isExpectedError(error)) o.onError(error)
    return replyError(c, error)
  })

  const close = async (): Promise<void> => {
    faults.releaseHangs()
    webhooks.close()
    await persistence?.close()
  }
  return {
    app,
    bases,
    tokens,
    faults,
    stats,
    iterators,
    comments,
    webhooks,
    flush: async () => persistence?.flush(),
    close,
    [Symbol.asyncDispose]: close,
  }
}
