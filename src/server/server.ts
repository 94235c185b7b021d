/**
 * `createAirsyncServer`: the composition root. config → store → Airtable client (one limiter) →
 * services (full sync) → API (src/api) → Node listener. It owns every resource it opens and closes
 * them in reverse order.
 *
 *   created ─► start(): listen; sync service runs ─► first sync done: ready
 *      │                                                   │
 *      └──────────────── close(): stop services, close listener, close store
 *
 * Readiness: a mirror that completed a full sync before (this process or an earlier one) is ready
 * at once and resynced in the background; a fresh one is ready after its first full sync.
 */
import { Hono, type Context } from 'hono'
import { getPath } from 'hono/utils/url'
import { pino, type Logger } from 'pino'
import { createAirtableClient, type AirtableClient, type RateLimiter } from '../airtable/index.ts'
import {
  createApi,
  createEventHub,
  NOT_FOUND_BODY,
  normalisePath,
  type EventHub,
} from '../api/index.ts'
import {
  createFullSyncService,
  createIngestService,
  type FullSyncService,
  type IngestService,
} from '../ingest/index.ts'
import {
  createAuthenticator,
  createPolicyEngine,
  type Authenticator,
  type PolicyEngine,
} from '../policy/index.ts'
import type { BaseSchema } from '../protocol/index.ts'
import {
  createOutboxWriter,
  PRESENCE_CONFLICT_POLICIES,
  type OutboxWriter,
} from '../outbox/index.ts'
import { ensureKeyIndexes, loadBaseSchema, openStore, type Db } from '../store/index.ts'
import type { ServerConfig, ServerConfigExtras } from './config.ts'
import { createAuditRetentionService } from './audit-retention.ts'
import { devSignInOptions } from './dev-sign-in.ts'
import { createFeedRetentionService } from './feed-retention.ts'
import { createIdempotencyRetentionService } from './idempotency-retention.ts'
import { ingestOptions, logIngestEvent } from './ingest.ts'
import { createSyncMetrics, registerEventMetrics, type SyncMetrics } from './metrics.ts'
import { listen, type Listener } from './node.ts'
import { createConfiguredLimiter } from './rate-limiter.ts'
import { defaultPolicies, PRESENCE_BASE_ID } from './policies.ts'
import { buildStatus, isBaseSynced, type StatusReport } from './status.ts'
import { createUpstream } from './upstream.ts'
import { createStrongRead } from './strong-read.ts'
import { DEFAULT_WEB_DIR, serveWeb } from './web.ts'

/** Options of {@link createAirsyncServer}: the parsed config plus what the CLI read from files. */
export interface AirsyncServerOptions extends ServerConfig, ServerConfigExtras {
  /** @default a pino logger at `logLevel` on stdout */
  logger?: Logger
  /** An already open store (tests); the server then does not close it. @default openStore(config) */
  db?: Db
}

/** A composed server; dispose it (or `close()`) to stop everything. */
export interface AirsyncServer extends AsyncDisposable {
  /** The HTTP app; `app.request()` in tests. */
  readonly app: Hono
  readonly db: Db
  readonly airtable: AirtableClient
  readonly limiter: RateLimiter
  readonly authenticator: Authenticator
  /** Real-time ingestion (webhook, payloads, recovery); undefined with `ingest: 'off'`. */
  readonly ingest: IngestService | undefined
  /** The outbox writer (one leader per base among instances); undefined with `outboxWriter: 'off'`. */
  readonly writer: OutboxWriter | undefined
  /** The change stream behind `GET /v1/events`. */
  readonly events: EventHub
  readonly metrics: SyncMetrics
  readonly logger: Logger
  readonly baseId: string
  /** True once the base has completed a full sync. */
  readonly ready: boolean
  /** Resolves when ready (at once when already). */
  whenReady(): Promise<void>
  /** The policy engine for the current schema; undefined before the schema is known. */
  policy(): PolicyEngine | undefined
  status(): Promise<StatusReport>
  /** Starts the services and listens on `port`; resolves with the URL. */
  start(): Promise<string>
  /** The listening URL, once started. */
  readonly url: string | undefined
  close(): Promise<void>
}

/** Builds the server: opens the store and wires everything; call `start()` to serve and sync. */
export async function createAirsyncServer(options: AirsyncServerOptions): Promise<AirsyncServer> {
  const devSignIn = devSignInOptions(options)
  const logger = options.logger ?? pino({ level: options.logLevel })
  const ownsDb = options.db === undefined
  const db =
    options.db ??
    (await openStore({
      ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
      ...(options.databaseSchema !== undefined && { schema: options.databaseSchema }),
      dataDir: options.dataDir,
    }))
  const { baseId } = options
  const limiter = createConfiguredLimiter(options)
  let schema: BaseSchema | undefined = (await loadBaseSchema(db, baseId))?.schema
  const metrics = createSyncMetrics({
    db,
    baseId,
    limiter,
    tableName: (id) => schema?.tables.find((t) => t.id === id)?.name,
  })
  const airtable = createAirtableClient({
    token: options.airtableAccessToken,
    apiUrl: options.airtableApiUrl,
    limiter,
    timeoutMs: options.airtableTimeoutMs,
    onRequest: (event) => metrics.onRequest(event),
  })
  const authenticator = createAuthenticator({
    serviceKey: options.serviceKey,
    ...(options.jwtSecret !== undefined && { jwtSecret: options.jwtSecret }),
    ...(options.jwksUrl !== undefined && { jwksUrl: options.jwksUrl }),
    maxTokenLifetimeSeconds: options.jwtMaxLifetimeSeconds,
  })
  const policies = defaultPolicies(baseId, options.policies)
  let engine: PolicyEngine | undefined
  const rebuild = (next: BaseSchema): PolicyEngine => {
    const built = createPolicyEngine({ policies, schema: next })
    for (const problem of built.problems) logger.warn({ problem }, 'policy rule does not resolve')
    // The row rules' keys are indexed once per schema; a failure costs speed, not correctness.
    void ensureKeyIndexes(db, { baseId, keys: built.keyedFields }).then(
      (created) => created.length > 0 && logger.info({ created }, 'row rule indexes created'),
      (error: unknown) => logger.warn({ err: error }, 'row rule indexes not created'),
    )
    engine = built
    return built
  }
  const rebuildPolicy = (next: BaseSchema): void => {
    // Keep the same schema object when nothing changed, so the API keeps its engine.
    if (schema !== undefined && JSON.stringify(schema) === JSON.stringify(next)) return
    schema = next
    rebuild(next)
  }
  if (schema !== undefined) rebuild(schema)

  let ready = await isBaseSynced(db, baseId)
  metrics.setReady(ready)
  let markReady!: () => void
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve))
  if (ready) markReady()

  const sync: FullSyncService = createFullSyncService({
    db,
    airtable,
    baseId,
    intervalMs: options.resyncIntervalMs === 0 ? undefined : options.resyncIntervalMs,
    onProgress: (event) => {
      if (event.type === 'table-done') logger.debug(event, 'table synced')
    },
    onSynced: (result) => {
      rebuildPolicy(result.schema)
      for (const table of result.tables) metrics.onTableSynced(table)
      logger.info(
        { records: result.records, pages: result.pages, durationMs: result.durationMs },
        'full sync done',
      )
      if (!ready) {
        ready = true
        metrics.setReady(true)
        markReady()
      }
    },
    onError: (error) => logger.error({ err: error }, 'full sync failed; retrying'),
  })

  const ingest: IngestService | undefined =
    options.ingest === 'off'
      ? undefined
      : createIngestService({
          ...ingestOptions(options),
          db,
          airtable,
          initialSync: sync.firstSync,
          onSchema: rebuildPolicy,
          onResynced: (result) => {
            for (const table of result.tables) metrics.onTableSynced(table)
          },
          onEvent: (event) => logIngestEvent(logger, event),
        })
  // Lands the outbox in Airtable; instances sharing a database elect one writer per base.
  const writer: OutboxWriter | undefined =
    options.outboxWriter === 'off'
      ? undefined
      : createOutboxWriter({
          db,
          airtable,
          baseId,
          limiter,
          logger,
          getSchema: () => schema,
          mergeFields: options.mergeFields,
          retry: { maxAttempts: options.outboxMaxAttempts },
          // Only Airtable knows a view's filter and sort: re-list the views of written tables.
          onTableWritten: (tableId) => ingest?.markViewsStale(tableId),
          ...(baseId === PRESENCE_BASE_ID && { conflictPolicies: PRESENCE_CONFLICT_POLICIES }),
        })
  const status = (): Promise<StatusReport> =>
    buildStatus(db, { baseId, ready, ingest: ingestOptions(options).mode })
  const events = createEventHub({
    db,
    baseId,
    getSchema: () => schema,
    policies: (next) => (engine !== undefined && engine.schema === next ? engine : rebuild(next)),
    logger,
    heartbeatMs: options.eventsHeartbeatMs,
    maxStreamsPerUser: options.eventsMaxStreamsPerUser,
    maxBufferedBytes: options.eventsMaxBufferedBytes,
  })
  registerEventMetrics(metrics.registry, () => events.stats())
  const retention = createFeedRetentionService({
    db,
    retentionMs: options.feedRetentionMs,
    logger,
  })
  const auditRetention = createAuditRetentionService({
    db,
    retentionMs: options.auditRetentionMs,
    logger,
  })
  const idempotencyRetention = createIdempotencyRetentionService({
    db,
    retentionMs: options.idempotencyRetentionMs,
    logger,
  })
  // The API serves /v0 from the mirror and /healthz, /v1/status, /metrics from these providers.
  // The API's routes are copied into this app, so its path rule (trailing `/`, `//`) and its JSON
  // 404 must hold here too: Hono routes with the root app's `getPath` and `notFound`.
  const app: Hono = new Hono({ getPath: (request) => normalisePath(getPath(request)) })
  app.notFound((c) => c.json(NOT_FOUND_BODY, 404))
  app.route(
    '/',
    createApi({
      db,
      baseId,
      getSchema: () => schema,
      policies: (next) => (engine !== undefined && engine.schema === next ? engine : rebuild(next)),
      authenticator,
      strongRead: createStrongRead(airtable, baseId),
      upstream: createUpstream(airtable, baseId),
      status,
      metrics: metrics.registry,
      logger,
      operationsAccess: options.operationsAccess,
      ...(ingest !== undefined && {
        onWebhookPing: ({ rawBody, mac }) => ingest.handlePing(rawBody, mac),
      }),
      events,
      ...(options.offsetSecret !== undefined && { offsetSecret: options.offsetSecret }),
      ...(devSignIn !== undefined && { devSignIn }),
      limits: { authFailuresPerWindow: options.authFailureLimit },
      ...(options.clientAddressHeader !== undefined && {
        clientAddress: clientAddressFrom(options.clientAddressHeader),
      }),
    }),
  )
  // The PWA at `/` (src/web, built into dist/web); API paths keep their JSON 404.
  if (options.webDir !== 'off') serveWeb(app, { root: options.webDir ?? DEFAULT_WEB_DIR })

  let listener: Listener | undefined
  let syncRun: Promise<void> | undefined
  let ingestRun: Promise<void> | undefined
  let writerRun: Promise<void> | undefined
  let streamRuns: Promise<unknown> | undefined
  let closing: Promise<void> | undefined

  async function start(): Promise<string> {
    if (listener !== undefined) return listener.url
    listener = await listen({
      fetch: (request, env) => app.fetch(request, env),
      port: options.port,
      host: options.host,
    })
    ingestRun = ingest
      ?.run()
      .catch((error: unknown) => logger.error({ err: error }, 'ingest stopped'))
    writerRun = writer
      ?.run()
      .catch((error: unknown) => logger.error({ err: error }, 'outbox writer stopped'))
    // The webhook exists before the first full sync starts, so no change falls between the two.
    syncRun = (async () => {
      await ingest?.webhookChecked
      await sync.run()
    })().catch((error: unknown) => logger.error({ err: error }, 'sync stopped'))
    streamRuns = Promise.all([
      events.run(),
      retention.run(),
      auditRetention.run(),
      idempotencyRetention.run(),
    ]).catch((error: unknown) => logger.error({ err: error }, 'change stream stopped'))
    logger.info({ url: listener.url, baseId, ready }, 'airsync listening')
    return listener.url
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await writer?.stop()
      await writerRun
      await ingest?.stop()
      await ingestRun
      await sync.stop()
      await syncRun
      await Promise.all([
        events.stop(),
        retention.stop(),
        auditRetention.stop(),
        idempotencyRetention.stop(),
      ])
      await streamRuns
      await listener?.close()
      if (ownsDb) await db.close()
    })()
    return closing
  }

  return {
    app,
    db,
    airtable,
    limiter,
    authenticator,
    ingest,
    writer,
    events,
    metrics,
    logger,
    baseId,
    get ready() {
      return ready
    },
    whenReady: () => readyPromise,
    policy: () => engine,
    status,
    start,
    get url() {
      return listener?.url
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

/**
 * The client's address as a trusted proxy reports it: the last entry of `header` (the one the
 * proxy appended; earlier ones are the client's own claims).
 */
function clientAddressFrom(header: string): (c: Context) => string | undefined {
  return (c) => {
    const entries = (c.req.header(header) ?? '').split(',')
    const last = entries[entries.length - 1]?.trim()
    return last === undefined || last === '' ? undefined : last
  }
}
