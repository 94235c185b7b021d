/**
 * Reads the webhook's payloads by cursor and applies them to the mirror (airtable-api.md §7.4,
 * §7.5), page by page until `mightHaveMore` is false.
 *
 * Invariants:
 * - Each page is applied in ONE transaction together with the cursor that follows it: a crash
 *   re-applies nothing twice and skips nothing. The transaction re-reads the cursor under a row
 *   lock and applies nothing when it moved (another ingester got there first).
 * - Writes are merges of what changed, so an echo of airsync's own write that the mirror already
 *   holds is a no-op and emits nothing into the feed.
 * - A gap (the answer starts after our cursor: payloads expired or were dropped), a vanished
 *   webhook or an error payload throws {@link IngestRecoveryError}; the caller resyncs.
 */
import { AirtableError, type AirtableClient } from '../airtable/index.ts'
import type { BaseSchema, ListWebhookPayloadsResponse } from '../protocol/index.ts'
import {
  getBaseSyncState,
  loadBaseSchema,
  lockBaseSyncState,
  lockFeed,
  saveBaseSchema,
  setBaseSyncState,
  setTableSyncState,
  type Db,
} from '../store/index.ts'
import { fieldLookupOf } from './cells-v1.ts'
import { applyPlan, fetchMissingRecords, type FetchedRecords } from './apply-plan.ts'
import { changesSchema, planPayloads, type IngestPlan } from './payload-plan.ts'

/** Why ingestion cannot continue from the stored cursor. */
export type RecoveryReason =
  /** No webhook is stored for the base. */
  | 'no-webhook'
  /** The webhook is gone (404): deleted, or expired past retention. */
  | 'webhook-gone'
  /** The webhook sent an error payload (`INVALID_FILTERS`, …) and stays broken. */
  | 'webhook-broken'
  /** Payloads after our cursor are gone: changes were missed. */
  | 'cursor-lost'

/** Ingestion must recover: recreate the webhook or reset the cursor, then resync. */
export class IngestRecoveryError extends Error {
  override readonly name = 'IngestRecoveryError'
  readonly reason: RecoveryReason
  constructor(reason: RecoveryReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
  }
}

/** Options of {@link ingestPayloads}. */
export interface IngestPayloadsOptions {
  db: Db
  airtable: AirtableClient
  baseId: string
  /** The feed source of the changes: how the payloads were noticed. @default 'webhook' */
  source?: 'webhook' | 'poll'
  /** Payloads per request (≤ 50). @default 50 */
  limit?: number
  signal?: AbortSignal
  /** @default Date.now */
  now?: () => number
  /** Told after commit when a page changed the stored schema. */
  onSchema?: (schema: BaseSchema) => void
  /** Runs inside each page's transaction after its changes, before the cursor is stored (tests). */
  beforeCommit?: (tx: Db) => Promise<void>
}

/** What one call did. */
export interface IngestResult {
  pages: number
  payloads: number
  /** Feed entries written. */
  changes: number
  /** Tables whose records changed. */
  touchedTableIds: Set<string>
  schemaChanged: boolean
  /** The stored cursor afterwards. */
  cursor: number | undefined
}

/** Applies every payload after the stored cursor; see the module header. */
export async function ingestPayloads(options: IngestPayloadsOptions): Promise<IngestResult> {
  const { db, baseId } = options
  const result: IngestResult = {
    pages: 0,
    payloads: 0,
    changes: 0,
    touchedTableIds: new Set(),
    schemaChanged: false,
    cursor: undefined,
  }
  let schema: BaseSchema | undefined
  for (;;) {
    options.signal?.throwIfAborted()
    const state = await getBaseSyncState(db, baseId)
    const webhookId = state?.webhookId
    if (webhookId === undefined) throw new IngestRecoveryError('no-webhook', 'no webhook stored')
    const cursor = state?.webhookCursor ?? 1
    const page = await fetchPage(options, { webhookId, cursor })
    result.pages++
    result.cursor = cursor
    if (page.payloads.length === 0 && page.cursor === cursor) return result
    if (page.payloads.some(changesSchema)) {
      schema = await options.airtable.meta.getBaseSchema(baseId, callOptions(options))
    } else {
      schema ??= (await loadBaseSchema(db, baseId))?.schema
    }
    const plan = planPayloads(page.payloads, fieldLookupOf(schema))
    if (plan.error !== undefined) {
      throw new IngestRecoveryError(
        'webhook-broken',
        `webhook ${webhookId} sent an error payload (${plan.error.code})`,
      )
    }
    const fetched = await fetchMissingRecords({ ...options, plan })
    const applied = await commitPage(options, {
      webhookId,
      cursor,
      page,
      plan,
      fetched,
      schema: plan.schemaChanged ? schema : undefined,
    })
    if (applied === undefined) continue // the cursor moved under us: read again from the new one
    result.payloads += page.payloads.length
    result.changes += applied
    result.cursor = page.cursor
    for (const id of plan.touchedTableIds) result.touchedTableIds.add(id)
    if (plan.schemaChanged && schema !== undefined) {
      result.schemaChanged = true
      options.onSchema?.(schema)
    }
    if (!page.mightHaveMore) return result
  }
}

function callOptions(options: IngestPayloadsOptions): {
  priority: 'ingest'
  signal?: AbortSignal
} {
  return { priority: 'ingest', ...(options.signal !== undefined && { signal: options.signal }) }
}

/** One page of payloads; a 404 means the webhook is gone; a gap means the cursor is lost. */
async function fetchPage(
  options: IngestPayloadsOptions,
  at: { webhookId: string; cursor: number },
): Promise<ListWebhookPayloadsResponse> {
  let page: ListWebhookPayloadsResponse
  try {
    page = await options.airtable.webhooks.listPayloads(
      { baseId: options.baseId, webhookId: at.webhookId },
      { cursor: at.cursor, limit: options.limit ?? 50 },
      callOptions(options),
    )
  } catch (error) {
    if (error instanceof AirtableError && error.status === 404) {
      throw new IngestRecoveryError('webhook-gone', `webhook ${at.webhookId} is gone`, {
        cause: error,
      })
    }
    throw error
  }
  // Payloads are numbered consecutively and the answer's cursor follows the last one returned
  // (§7.4), so an answer that starts after our cursor skipped payloads that no longer exist.
  // [?] Airtable may instead answer an error for a cursor that old; that surfaces as a failure.
  const firstNumber = page.cursor - page.payloads.length
  if (firstNumber > at.cursor) {
    throw new IngestRecoveryError(
      'cursor-lost',
      `payloads ${at.cursor}…${firstNumber - 1} of webhook ${at.webhookId} are gone`,
    )
  }
  return page
}

/**
 * Applies a planned page and stores the cursor after it, in one transaction.
 * @returns feed entries written, or undefined when the stored cursor had moved (nothing applied)
 */
function commitPage(
  options: IngestPayloadsOptions,
  page: {
    webhookId: string
    cursor: number
    page: ListWebhookPayloadsResponse
    plan: IngestPlan
    fetched: FetchedRecords
    schema: BaseSchema | undefined
  },
): Promise<number | undefined> {
  const { db, baseId } = options
  const now = new Date((options.now ?? Date.now)()).toISOString()
  return db.transaction(async (tx) => {
    await lockFeed(tx)
    const state = await lockBaseSyncState(tx, baseId)
    if (state.webhookId !== page.webhookId || (state.webhookCursor ?? 1) !== page.cursor) {
      return undefined
    }
    if (page.schema !== undefined) await saveBaseSchema(tx, { baseId, schema: page.schema })
    const changes = await applyPlan(tx, {
      baseId,
      plan: page.plan,
      fetched: page.fetched,
      source: options.source ?? 'webhook',
    })
    for (const tableId of page.plan.touchedTableIds) {
      await setTableSyncState(tx, { baseId, tableId }, { lastChangeAt: now })
    }
    await options.beforeCommit?.(tx)
    await setBaseSyncState(tx, baseId, {
      webhookCursor: page.page.cursor,
      ...(page.page.payloads.length > 0 && { lastPayloadAt: now }),
    })
    return changes
  })
}
