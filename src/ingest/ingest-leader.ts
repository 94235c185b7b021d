/**
 * What the instance holding the base's ingest lock does (ingest-service.ts takes the lock):
 *
 *   ensure webhook ─► wait for the first full sync ─► loop:
 *        ▲                                           wake on ping / poll timer / reconcile timer
 *        │                                             ├─ reconcile: webhook health (refresh,
 *        │                                             │   re-enable, recreate), schema
 *        │                                             └─ ingest: resync first if needs_resync,
 *        │                                                 then payloads by cursor
 *        └──── recovery (webhook gone/broken, cursor lost) ◄── IngestRecoveryError
 *
 * Invariants: one piece of work at a time (pings coalesce into the pending flag); a failure is
 * retried with doubling delay; a recovery marks `needs_resync` before anything else runs, so the
 * resync happens even across a crash.
 */
import type { AirtableClient } from '../airtable/index.ts'
import type { BaseSchema } from '../protocol/index.ts'
import { getBaseSyncState, saveBaseSchema, setBaseSyncState, type Db } from '../store/index.ts'
import { runFullSync, type FullSyncResult } from './full-sync.ts'
import { IngestRecoveryError, ingestPayloads } from './payload-ingester.ts'
import type { ViewRefresher } from './view-refresher.ts'
import { ensureWebhook, skipLostPayloads } from './webhook-lifecycle.ts'

/** What the leader reports, for logs and metrics. */
export type IngestEvent =
  | { type: 'webhook'; webhookId: string; created: string | undefined; refreshed: boolean }
  | { type: 'ingested'; payloads: number; changes: number; durationMs: number }
  | { type: 'recovery'; reason: string; message: string }
  | { type: 'resynced'; reason: string; records: number; durationMs: number }
  | { type: 'reconciled'; schemaChanged: boolean }
  | { type: 'error'; during: 'webhook' | 'ingest' | 'reconcile'; error: unknown }

/** Everything the leader needs; resolved options of the service. */
export interface LeaderContext {
  db: Db
  airtable: AirtableClient
  baseId: string
  notificationUrl: string | undefined
  pollIntervalMs: number
  reconcileIntervalMs: number
  refreshMarginMs: number
  retryDelayMs: number
  maxRetryDelayMs: number
  initialSync: Promise<unknown> | undefined
  views: ViewRefresher
  now: () => number
  onSchema: (schema: BaseSchema) => void
  onResynced: (result: FullSyncResult) => void
  onEvent: (event: IngestEvent) => void
  /** Called once the first webhook check finished (whatever its outcome). */
  onWebhookChecked: () => void
}

/** Work the leader was asked for and has not done yet. */
export interface Pending {
  ingest: boolean
  reconcile: boolean
  /** Wakes the loop; replaced on each wait. */
  wake: () => void
}

/** Runs the leader loop until `signal` aborts (stop, or the lock was lost). */
export async function lead(
  ctx: LeaderContext,
  pending: Pending,
  signal: AbortSignal,
): Promise<void> {
  // The first outcome, success or failure, lets the server start its first full sync.
  await untilDone(ctx, signal, () => checkWebhook(ctx, signal, undefined))
  ctx.onWebhookChecked()
  if (ctx.initialSync !== undefined) await Promise.race([ctx.initialSync, aborted(signal)])
  const timers: NodeJS.Timeout[] = []
  const ask = (kind: 'ingest' | 'reconcile'): void => {
    pending[kind] = true
    pending.wake()
  }
  if (ctx.notificationUrl === undefined) {
    timers.push(setInterval(() => ask('ingest'), ctx.pollIntervalMs))
  }
  if (ctx.reconcileIntervalMs > 0) {
    timers.push(setInterval(() => ask('reconcile'), ctx.reconcileIntervalMs))
  }
  pending.ingest = true
  let delayMs = ctx.retryDelayMs
  try {
    while (!signal.aborted) {
      await nextWork(pending, signal)
      if (signal.aborted) break
      try {
        if (pending.reconcile) {
          pending.reconcile = false
          await reconcile(ctx, signal)
          pending.ingest = true
        }
        if (pending.ingest) {
          pending.ingest = false
          await ingestOnce(ctx, signal)
        }
        delayMs = ctx.retryDelayMs
      } catch (error) {
        if (signal.aborted) break
        pending.ingest = true
        if (error instanceof IngestRecoveryError) {
          ctx.onEvent({ type: 'recovery', reason: error.reason, message: error.message })
          await recover(ctx, error, signal).catch((e: unknown) => failed(ctx, 'webhook', e))
        } else {
          failed(ctx, 'ingest', error)
        }
        await wait(delayMs, signal)
        delayMs = Math.min(delayMs * 2, ctx.maxRetryDelayMs)
      }
    }
  } finally {
    for (const timer of timers) clearInterval(timer)
  }
}

/** Ensures the webhook; `forceRecreate` replaces it even when listed as healthy. */
async function checkWebhook(
  ctx: LeaderContext,
  signal: AbortSignal,
  forceRecreate: string | undefined,
): Promise<void> {
  const result = await ensureWebhook({
    db: ctx.db,
    airtable: ctx.airtable,
    baseId: ctx.baseId,
    notificationUrl: ctx.notificationUrl,
    refreshMarginMs: ctx.refreshMarginMs,
    forceRecreate,
    signal,
    now: ctx.now,
  })
  if (result.created !== undefined || result.refreshed) {
    ctx.onEvent({ type: 'webhook', ...result })
  }
}

/** Ingests payloads from the stored cursor, after a resync when one is due. */
async function ingestOnce(ctx: LeaderContext, signal: AbortSignal): Promise<void> {
  const state = await getBaseSyncState(ctx.db, ctx.baseId)
  if (state?.lastFullSyncAt === undefined) {
    await resync(ctx, { reason: 'first sync', source: 'full-sync' }, signal)
  } else if (state.needsResync) {
    await resync(ctx, { reason: state.resyncReason ?? 'needs resync', source: 'resync' }, signal)
  }
  const startedMs = ctx.now()
  const result = await ingestPayloads({
    db: ctx.db,
    airtable: ctx.airtable,
    baseId: ctx.baseId,
    source: ctx.notificationUrl === undefined ? 'poll' : 'webhook',
    signal,
    now: ctx.now,
    onSchema: ctx.onSchema,
  })
  for (const tableId of result.touchedTableIds) ctx.views.markStale(tableId)
  if (result.payloads > 0) {
    ctx.onEvent({
      type: 'ingested',
      payloads: result.payloads,
      changes: result.changes,
      durationMs: ctx.now() - startedMs,
    })
  }
}

/** A full resync that diffs the mirror against Airtable; clears `needs_resync` when done. */
async function resync(
  ctx: LeaderContext,
  why: { reason: string; source: 'full-sync' | 'resync' },
  signal: AbortSignal,
): Promise<void> {
  const { reason, source } = why
  const result = await runFullSync({
    db: ctx.db,
    airtable: ctx.airtable,
    baseId: ctx.baseId,
    priority: 'resync',
    source,
    signal,
    now: ctx.now,
  })
  ctx.onResynced(result)
  ctx.onEvent({ type: 'resynced', reason, records: result.records, durationMs: result.durationMs })
}

/** Puts ingestion back on its feet; the resync it marks runs before the next ingest. */
async function recover(
  ctx: LeaderContext,
  error: IngestRecoveryError,
  signal: AbortSignal,
): Promise<void> {
  const { db, airtable, baseId } = ctx
  if (error.reason === 'cursor-lost') {
    const webhookId = (await getBaseSyncState(db, baseId))?.webhookId
    const reason = 'webhook payloads expired before they were read'
    if (webhookId !== undefined) {
      if (await skipLostPayloads({ db, airtable, baseId, webhookId, reason, signal })) return
    }
  }
  const force = error.reason === 'webhook-broken' ? 'webhook sent an error payload' : undefined
  await checkWebhook(ctx, signal, force)
}

/** The cheap periodic check: webhook health and expiry, and the schema (views included). */
async function reconcile(ctx: LeaderContext, signal: AbortSignal): Promise<void> {
  await checkWebhook(ctx, signal, undefined)
  const schema = await ctx.airtable.meta.getBaseSchema(ctx.baseId, { priority: 'ingest', signal })
  const changed = await saveBaseSchema(ctx.db, { baseId: ctx.baseId, schema })
  if (changed) {
    ctx.onSchema(schema)
    for (const table of schema.tables) ctx.views.markStale(table.id)
  }
  await setBaseSyncState(ctx.db, ctx.baseId, {
    lastReconcileAt: new Date(ctx.now()).toISOString(),
  })
  ctx.onEvent({ type: 'reconciled', schemaChanged: changed })
}

/** Retries `work` with doubling delay until it succeeds or `signal` aborts. */
async function untilDone(
  ctx: LeaderContext,
  signal: AbortSignal,
  work: () => Promise<void>,
): Promise<void> {
  let delayMs = ctx.retryDelayMs
  while (!signal.aborted) {
    try {
      await work()
      return
    } catch (error) {
      if (signal.aborted) return
      failed(ctx, 'webhook', error)
      ctx.onWebhookChecked()
      await wait(delayMs, signal)
      delayMs = Math.min(delayMs * 2, ctx.maxRetryDelayMs)
    }
  }
}

function failed(
  ctx: LeaderContext,
  during: 'webhook' | 'ingest' | 'reconcile',
  error: unknown,
): void {
  ctx.onEvent({ type: 'error', during, error })
}

/** Resolves when work is pending or `signal` aborts. */
function nextWork(pending: Pending, signal: AbortSignal): Promise<void> {
  if (pending.ingest || pending.reconcile || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done)
      pending.wake = () => undefined
      resolve()
    }
    pending.wake = done
    signal.addEventListener('abort', done, { once: true })
  })
}

/** A promise that never resolves and rejects when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error)
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
  })
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
