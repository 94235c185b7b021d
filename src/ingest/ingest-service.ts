/**
 * Real-time ingestion as a {@link Service}: keeps airsync's webhook alive, applies its payloads to
 * the mirror (on pings, or by polling every `pollIntervalMs` when there is no public URL),
 * recovers from lost webhooks and cursors with a resync, reconciles periodically and keeps view
 * orders fresh. See ingest-leader.ts for the loop.
 *
 * Several instances: every instance serves and verifies pings, but only the one holding the
 * advisory lock `ingest:<baseId>` ingests. A ping verified elsewhere is passed on with a NOTIFY on
 * {@link WEBHOOK_PING_CHANNEL}; the others retry the lock every `lockRetryMs`, so one takes over
 * when the holder dies. The change feed's own NOTIFY fans changes out to every instance.
 */
import { verifyWebhookMac, type AirtableClient } from '../airtable/index.ts'
import { webhookPingSchema, type BaseSchema } from '../protocol/index.ts'
import type { Service } from '../shared/index.ts'
import { getBaseSyncState, loadBaseSchema, type Db } from '../store/index.ts'
import type { FullSyncResult } from './full-sync.ts'
import { lead, wait, type IngestEvent, type LeaderContext, type Pending } from './ingest-leader.ts'
import { createViewRefresher } from './view-refresher.ts'

/** Carries verified pings to the instance that ingests; the payload is the base ID. */
export const WEBHOOK_PING_CHANNEL = 'airsync_webhook_ping'

/** Options of {@link createIngestService}. */
export interface IngestServiceOptions {
  db: Db
  airtable: AirtableClient
  baseId: string
  /**
   * Where Airtable pings (the public URL + `/v1/webhooks/airtable`); undefined: no pings, poll.
   * @default undefined
   */
  notificationUrl?: string | undefined
  /** Polling period without pings, ms. @default 2000 */
  pollIntervalMs?: number
  /** Period of the cheap reconciliation (webhook health, schema), ms; 0 = never. @default 600000 */
  reconcileIntervalMs?: number
  /** Refresh the webhook when fewer than this many ms of its 7 days remain. @default 4 days */
  webhookRefreshMarginMs?: number
  /** Quiet time before a changed table's views are listed again, ms. @default 1000 */
  viewRefreshDebounceMs?: number
  /** Least time between two refreshes of one table's views, ms. @default 10000 */
  viewRefreshMinIntervalMs?: number
  /** How often a standby instance tries to take over ingestion, ms. @default 5000 */
  lockRetryMs?: number
  /** First delay after a failure, ms; doubles per failure. @default 1000 */
  retryDelayMs?: number
  /** @default 60000 */
  maxRetryDelayMs?: number
  /**
   * Settles once the server's first full sync is done; ingestion waits for it. Without it the
   * service runs the first full sync itself when the mirror has never been synced.
   */
  initialSync?: Promise<unknown>
  /** Told when ingestion or a reconciliation stored a new schema. */
  onSchema?: (schema: BaseSchema) => void
  /** Told after each recovery resync. */
  onResynced?: (result: FullSyncResult) => void
  /** Told about webhook changes, ingested payloads, recoveries and failures (logs, metrics). */
  onEvent?: (event: IngestEvent) => void
  /** @default Date.now */
  now?: () => number
}

/** A verified ping's outcome. */
export type PingOutcome = 'accepted' | 'rejected'

/** The ingest service. */
export interface IngestService extends Service {
  /** Settles once this instance checked the webhook, or knows another instance ingests. */
  readonly webhookChecked: Promise<void>
  /** True while this instance holds the ingest lock. */
  readonly leading: boolean
  /**
   * Checks a ping (`X-Airtable-Content-MAC` over the raw body, in constant time, with the stored
   * secret) and, when genuine, asks for ingestion. Fetches nothing itself.
   */
  handlePing(rawBody: Uint8Array, mac: string | undefined): Promise<PingOutcome>
  /** Asks for ingestion now (as a ping would). */
  trigger(): void
  /** Asks for a reconciliation now. */
  reconcile(): void
  /** The table's records changed (e.g. written by the outbox): refresh its view orders soon. */
  markViewsStale(tableId: string): void
}

/** Creates the service; nothing runs until `run()`. */
export function createIngestService(options: IngestServiceOptions): IngestService {
  const { db, baseId } = options
  const controller = new AbortController()
  let schema: BaseSchema | undefined
  let leading = false
  let running: Promise<void> | undefined
  let markChecked!: () => void
  const webhookChecked = new Promise<void>((resolve) => (markChecked = resolve))
  const pending: Pending = { ingest: false, reconcile: false, wake: () => undefined }
  const views = createViewRefresher({
    db,
    airtable: options.airtable,
    baseId,
    getSchema: () => schema,
    ...(options.viewRefreshDebounceMs !== undefined && {
      debounceMs: options.viewRefreshDebounceMs,
    }),
    ...(options.viewRefreshMinIntervalMs !== undefined && {
      minIntervalMs: options.viewRefreshMinIntervalMs,
    }),
    onError: (error) => options.onEvent?.({ type: 'error', during: 'reconcile', error }),
  })
  const onSchema = (next: BaseSchema): void => {
    schema = next
    options.onSchema?.(next)
  }
  const ctx: LeaderContext = {
    db,
    airtable: options.airtable,
    baseId,
    notificationUrl: options.notificationUrl,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    reconcileIntervalMs: options.reconcileIntervalMs ?? 600_000,
    refreshMarginMs: options.webhookRefreshMarginMs ?? 4 * 86_400_000,
    retryDelayMs: options.retryDelayMs ?? 1_000,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    initialSync: options.initialSync,
    views,
    now: options.now ?? Date.now,
    onSchema,
    onResynced: (result) => {
      onSchema(result.schema)
      options.onResynced?.(result)
    },
    onEvent: (event) => options.onEvent?.(event),
    onWebhookChecked: () => markChecked(),
  }
  const ask = (kind: 'ingest' | 'reconcile'): void => {
    pending[kind] = true
    pending.wake()
  }

  async function loop(): Promise<void> {
    const { signal } = controller
    schema = (await loadBaseSchema(db, baseId))?.schema
    while (!signal.aborted) {
      const lock = await db.tryAdvisoryLock(`ingest:${baseId}`)
      if (lock === undefined) {
        markChecked()
        await wait(options.lockRetryMs ?? 5_000, signal)
        continue
      }
      const unlisten = await db.listen(WEBHOOK_PING_CHANNEL, (payload) => {
        if (payload === baseId) ask('ingest')
      })
      leading = true
      try {
        await lead(ctx, pending, AbortSignal.any([signal, lock.lost]))
      } catch (error) {
        if (!signal.aborted) ctx.onEvent({ type: 'error', during: 'ingest', error })
      } finally {
        leading = false
        await unlisten().catch(() => undefined)
        await lock.release().catch(() => undefined)
      }
      if (!signal.aborted) await wait(ctx.retryDelayMs, signal)
    }
  }

  async function handlePing(rawBody: Uint8Array, mac: string | undefined): Promise<PingOutcome> {
    const state = await getBaseSyncState(db, baseId)
    const secret = state?.webhookSecret
    if (secret === undefined || !(await verifyWebhookMac(secret, rawBody, mac))) return 'rejected'
    // Signed with our secret, so it is our webhook's ping; the body only names what changed.
    const ping = webhookPingSchema.safeParse(safeJson(rawBody))
    if (ping.success && ping.data.base.id !== baseId) return 'accepted'
    if (leading) ask('ingest')
    else await db.notify(WEBHOOK_PING_CHANNEL, baseId)
    return 'accepted'
  }

  return {
    id: `ingest:${baseId}`,
    webhookChecked,
    get leading() {
      return leading
    },
    run() {
      running ??= loop().finally(() => markChecked())
      return running
    },
    async stop() {
      controller.abort(new Error('ingest service stopped'))
      pending.wake()
      await running
      await views.stop()
    },
    async drain() {
      await views.flush()
    },
    handlePing,
    trigger: () => ask('ingest'),
    reconcile: () => ask('reconcile'),
    markViewsStale: (tableId) => views.markStale(tableId),
  }
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return undefined
  }
}
