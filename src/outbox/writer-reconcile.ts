/**
 * The writer's reconciliation of creates whose outcome is unknown (timeout, reset, 5xx after
 * sending, or a writer that died with the request in flight). Airtable has no idempotency keys,
 * so such a create is never sent again blindly: the writer searches the table for the record the
 * earlier attempt may have made (reconcile.ts: same values, created after the first attempt,
 * not owned by another mutation) and adopts it, or sends again when there is none.
 *
 * The mutations of one record that rode in the same request (a create and the updates coalesced
 * into it) are reconciled together: coalescing them again rebuilds exactly what was sent.
 */
import { toAirtableError } from '../airtable/index.ts'
import type { BaseSchema } from '../protocol/index.ts'
import { committedCreateRecordIds, lockFeed, type Db, type StoredMutation } from '../store/index.ts'
import { coalesce } from './coalesce.ts'
import { failureAction, mutationErrorOf, type OutboxRetryPolicy } from './failure.ts'
import { buildReconcileSearch, decideReconcile } from './reconcile.ts'
import {
  applyTransitions,
  lastPositionOf,
  linkChangesOf,
  mirrorCommitted,
  reassignLinks,
  type ApplyContext,
} from './writer-apply.ts'
import type { SendContext } from './writer-send.ts'

/** What reconciling needs. */
export interface ReconcileContext {
  db: Db
  apply: ApplyContext
  send: SendContext
  schema: BaseSchema | undefined
  retry: Partial<OutboxRetryPolicy>
  random: () => number
}

/** Reconciles the reconciling mutations of one record (`rows`, position order). */
export async function reconcileRecord(
  ctx: ReconcileContext,
  rows: readonly StoredMutation[],
): Promise<void> {
  const entry = coalesce(rows.map((row) => ({ ...row, state: 'queued' as const }))).mutations[0]
  if (entry === undefined) return
  const ids = rows.map((row) => row.mutationId)
  const table = ctx.schema?.tables.find((t) => t.id === entry.tableId)
  const firstSentAtMs = Math.min(...rows.map((row) => Date.parse(row.firstSentAt ?? row.updatedAt)))
  let decision: ReturnType<typeof decideReconcile>
  let candidates: { id: string; createdTime: string; fields: Record<string, unknown> }[]
  try {
    if (table === undefined) throw new Error(`schema of table ${entry.tableId} unknown`)
    const search = buildReconcileSearch({
      fields: entry.fields,
      schema: table.fields,
      firstSentAtMs,
      typecast: entry.typecast,
    })
    candidates = await ctx.send.airtable
      .table(ctx.apply.baseId, entry.tableId)
      .all(
        { filterByFormula: search.filterByFormula, returnFieldsByFieldId: true, pageSize: 100 },
        { priority: 'write', ...(ctx.send.signal && { signal: ctx.send.signal }) },
      )
    const claimed = await committedCreateRecordIds(ctx.db, {
      baseId: ctx.apply.baseId,
      tableId: entry.tableId,
      sinceMs: search.sinceMs,
    })
    decision = decideReconcile({
      candidates,
      fields: entry.fields,
      schema: table.fields,
      sinceMs: search.sinceMs,
      claimedRecordIds: new Set(claimed),
    })
  } catch (caught) {
    if (ctx.send.signal?.aborted === true) throw caught
    await searchFailed(ctx, { ids, attempts: Math.max(...rows.map((r) => r.attempts)), caught })
    return
  }
  const nowMs = ctx.send.clock.now()
  await ctx.db.transaction(async (tx) => {
    await lockFeed(tx)
    if (decision.action === 'resend') {
      await applyTransitions(
        tx,
        ctx.apply,
        ids.map((mutationId) => ({
          mutationId,
          action: { type: 'reconcile-missing', atMs: nowMs },
        })),
      )
      return
    }
    const { recordId, duplicates } = decision
    const record = candidates.find((c) => c.id === recordId)
    if (duplicates.length > 0) {
      ctx.apply.logger.warn({ recordId, duplicates }, 'reconcile: more records match a create')
    }
    await applyTransitions(
      tx,
      ctx.apply,
      ids.map((mutationId) => ({
        mutationId,
        action: { type: 'reconcile-found', recordId, atMs: nowMs },
        patch: { recordId, result: record ?? null },
        auditDetail: { duplicates },
      })),
    )
    await mirrorCommitted(tx, ctx.apply, {
      entry,
      record,
      afterPosition: lastPositionOf(rows, entry),
    })
    await reassignLinks(tx, ctx.apply, linkChangesOf(entry, record))
  })
}

async function searchFailed(
  ctx: ReconcileContext,
  failed: { ids: readonly string[]; attempts: number; caught: unknown },
): Promise<void> {
  const error = toAirtableError(failed.caught, {})
  const nowMs = ctx.send.clock.now()
  // The same backoff as a failed send; a search is always safe to repeat.
  const retry = failureAction({
    error,
    kind: 'update',
    attempts: Math.max(1, failed.attempts),
    atMs: nowMs,
    random: ctx.random,
    policy: { ...ctx.retry, maxAttempts: Number.POSITIVE_INFINITY },
  })
  const nextAttemptAtMs = retry.type === 'retry' ? retry.nextAttemptAtMs : nowMs + 5_000
  ctx.apply.logger.warn({ err: error, mutationIds: failed.ids }, 'reconcile search failed')
  await ctx.db.transaction(async (tx) => {
    await applyTransitions(
      tx,
      ctx.apply,
      failed.ids.map((mutationId) => ({
        mutationId,
        action: { type: 'reconcile-error', error: mutationErrorOf(error), nextAttemptAtMs },
      })),
    )
  })
}
