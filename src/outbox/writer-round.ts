/**
 * One round of the writer, as steps the service (writer.ts) strings together:
 * - {@link planNextRound}: open mutations → temporary IDs resolved (as records, and in link cells:
 *   writer-temp-links.ts) → coalesced → planned requests (≤ 10 records per table and operation,
 *   per-record order) plus the creates due for reconciliation;
 * - {@link executeRequest}: mark `sending` → send → apply every answer in one transaction;
 * - {@link recoverInterrupted}: rows left `sending` by a writer that stopped or died.
 *
 * Fences (per-record order): a mutation in flight, held (`conflict`), reconciling or waiting out
 * a backoff keeps every later mutation of its record waiting; coalescing and planning see it as
 * in flight. One waiting for a create its link cells name does too (batch.ts).
 */
import { isAirtableId } from '../protocol/index.ts'
import {
  findCreatesByTempIds,
  listOpenMutations,
  lockFeed,
  reassignRecordId,
  type Db,
  type StoredMutation,
} from '../store/index.ts'
import { planRound, type PlannedRequest } from './batch.ts'
import { coalesce, recordKeyOf, type CoalescedMutation } from './coalesce.ts'
import { failureAction, isGoneFor, type OutboxRetryPolicy } from './failure.ts'
import type { MutationAction, MutationError } from './mutation.ts'
import { lifecycleOf } from './store-mapping.ts'
import {
  applyTransitions,
  lastPositionOf,
  linkChangesOf,
  mirrorCommitted,
  mirrorReverted,
  reassignLinks,
  type ApplyContext,
  type Transition,
} from './writer-apply.ts'
import { fetchRecords, sendRequest, type EntryOutcome, type SendContext } from './writer-send.ts'
import { failDeadLinks, resolveTempLinks } from './writer-temp-links.ts'

/** What a round needs. */
export interface RoundContext {
  db: Db
  apply: ApplyContext
  send: SendContext
  /** Declared merge fields by table ID (field IDs). */
  mergeFieldIdsByTable: Readonly<Record<string, readonly string[]>>
  /** The base's link fields (field IDs); undefined before the schema is known. */
  linkFieldIds: ReadonlySet<string> | undefined
  retry: Partial<OutboxRetryPolicy>
  random: () => number
  /** Open mutations loaded per round. */
  loadLimit: number
  /** After records of a table landed in Airtable. */
  onTableWritten: (tableId: string) => void
}

/** The next round's work. */
export interface RoundPlan {
  requests: PlannedRequest[]
  /** Reconciling mutations due for a search, grouped by record. */
  reconcile: StoredMutation[][]
  lastTableId: string | undefined
  /** The earliest future retry time among open mutations (epoch ms). */
  nextDueMs: number | undefined
  /** Open mutations that could be sent now or later (held ones excluded). */
  pending: number
  /** Every open row, for positions. */
  rows: StoredMutation[]
  /** Entries planning settled itself (links to failed creates): plan again at once. */
  settledNow: number
}

/** Plans the next round. `inFlight`: mutation IDs this writer is sending or reconciling. */
export async function planNextRound(
  ctx: RoundContext,
  round: { inFlight: ReadonlySet<string>; maxRequests: number; afterTableId: string | undefined },
): Promise<RoundPlan> {
  const nowMs = ctx.send.clock.now()
  const loaded = await listOpenMutations(ctx.db, {
    baseId: ctx.apply.baseId,
    limit: ctx.loadLimit,
  })
  const rows = await resolveTempLinks(ctx, await resolveTempIds(ctx, loaded))
  const due = (row: StoredMutation): boolean =>
    row.nextAttemptAt === undefined || Date.parse(row.nextAttemptAt) <= nowMs
  const future = rows
    .filter((row) => row.state !== 'conflict' && !due(row))
    .map((row) => Date.parse(row.nextAttemptAt ?? ''))
  const reconcileGroups = new Map<string, StoredMutation[]>()
  for (const row of rows) {
    if (row.state !== 'sending' || round.inFlight.has(row.mutationId)) continue
    if (lifecycleOf(row).status !== 'reconciling' || !due(row)) continue
    const key = recordKeyOf(row)
    reconcileGroups.set(key, [...(reconcileGroups.get(key) ?? []), row])
  }
  const fenced = rows.map((row) =>
    row.state === 'queued' && (round.inFlight.has(row.mutationId) || !due(row))
      ? { ...row, state: 'sending' as const }
      : row,
  )
  const { mutations, cancelled } = coalesce(fenced)
  if (cancelled.length > 0) {
    await ctx.db.transaction(async (tx) => {
      await lockFeed(tx)
      await applyTransitions(
        tx,
        ctx.apply,
        cancelled.map(({ mutationId, by }) => ({
          mutationId,
          action: { type: 'cancel', by, atMs: nowMs },
        })),
      )
    })
  }
  const plan = planRound(mutations, {
    maxRequests: round.maxRequests,
    afterTableId: round.afterTableId,
    mergeFieldIdsByTable: ctx.mergeFieldIdsByTable,
    isTemporaryId: (id) => !isAirtableId(id, 'rec'),
    linkFieldIds: ctx.linkFieldIds,
  })
  const deadLinks = await failDeadLinks(ctx, { entries: plan.unresolved, rows })
  if (plan.unresolved.length > deadLinks) {
    const ids = plan.unresolved.map((entry) => entry.mutationIds)
    ctx.apply.logger.warn({ mutationIds: ids }, 'outbox: unresolved record ID')
  }
  return {
    requests: plan.requests,
    reconcile: [...reconcileGroups.values()],
    lastTableId: plan.lastTableId,
    nextDueMs: future.length === 0 ? undefined : Math.min(...future),
    pending: rows.filter((row) => row.state !== 'conflict').length,
    rows,
    settledNow: deadLinks,
  }
}

/**
 * Later mutations that name a create's temporary ID after that create has settled: pointed at
 * the real ID when it committed, failed when it did not.
 */
async function resolveTempIds(
  ctx: RoundContext,
  rows: readonly StoredMutation[],
): Promise<StoredMutation[]> {
  const openTemps = new Set(
    rows.flatMap((r) => (r.tempRecordId === undefined ? [] : [r.tempRecordId])),
  )
  const orphans = rows.filter(
    (r) =>
      r.state === 'queued' &&
      r.op !== 'create' &&
      r.op !== 'upsert' &&
      r.recordId !== undefined &&
      !isAirtableId(r.recordId, 'rec') &&
      !openTemps.has(r.recordId),
  )
  if (orphans.length === 0) return [...rows]
  const temps = [...new Set(orphans.map((r) => r.recordId ?? ''))]
  const creates = await findCreatesByTempIds(ctx.db, {
    baseId: ctx.apply.baseId,
    tempRecordIds: temps,
  })
  const realIdOf = new Map<string, string>()
  for (const create of creates) {
    if (create.state === 'committed' && create.recordId !== undefined)
      realIdOf.set(create.tempRecordId ?? '', create.recordId)
  }
  const failed: Transition[] = []
  const nowMs = ctx.send.clock.now()
  await ctx.db.transaction(async (tx) => {
    await lockFeed(tx)
    for (const temp of temps) {
      const real = realIdOf.get(temp)
      if (real !== undefined) {
        await reassignRecordId(tx, { baseId: ctx.apply.baseId, from: temp, to: real })
        continue
      }
      const error: MutationError = {
        type: 'NOT_FOUND',
        message: `Could not find record ${temp}: its create did not reach Airtable`,
        status: 404,
      }
      for (const row of orphans.filter((r) => r.recordId === temp)) {
        failed.push({ mutationId: row.mutationId, action: { type: 'fail', error, atMs: nowMs } })
      }
    }
    await applyTransitions(tx, ctx.apply, failed)
  })
  const failedIds = new Set(failed.map((t) => t.mutationId))
  return rows
    .filter((r) => !failedIds.has(r.mutationId))
    .map((r) => {
      const real = r.recordId === undefined ? undefined : realIdOf.get(r.recordId)
      return real === undefined || r.op === 'create' ? r : { ...r, recordId: real }
    })
}

/** Sends one planned request and applies every answer (one transaction). */
export async function executeRequest(
  ctx: RoundContext,
  job: { request: PlannedRequest; rows: readonly StoredMutation[]; batchId: string },
): Promise<void> {
  const { request } = job
  const ids = request.mutations.flatMap((entry) => entry.mutationIds)
  const sentAtMs = ctx.send.clock.now()
  const before = await ctx.db.transaction((tx) =>
    applyTransitions(
      tx,
      ctx.apply,
      ids.map((mutationId) => ({
        mutationId,
        action: { type: 'send', batchId: job.batchId, atMs: sentAtMs },
      })),
    ),
  )
  const attempts = new Map(before.map((row) => [row.mutationId, row.attempts + 1]))
  const outcomes = await sendRequest(ctx.send, request)
  const reverts = await readForRevert(ctx, request, outcomes)
  await ctx.db.transaction(async (tx) => {
    await lockFeed(tx)
    // Every mutation of the request in one pass (a few statements, not a few per record), then
    // the mirror, record by record.
    const settled = outcomes.map((outcome) =>
      settle(ctx, { outcome, request, attempts, rows: job.rows, reverts }),
    )
    await applyTransitions(
      tx,
      ctx.apply,
      settled.flatMap((s) => s.transitions),
    )
    for (const s of settled) await s.mirror(tx)
    await reassignLinks(
      tx,
      ctx.apply,
      outcomes.flatMap((o) => (o.ok ? linkChangesOf(o.entry, o.record) : [])),
    )
  })
  if (outcomes.some((o) => o.ok)) ctx.onTableWritten(request.tableId)
}

type Reverts = ReadonlyMap<string, Awaited<ReturnType<typeof fetchRecords>>> | 'unknown'

/** Airtable's current records behind refused updates, to put the mirror back. */
async function readForRevert(
  ctx: RoundContext,
  request: PlannedRequest,
  outcomes: readonly EntryOutcome[],
): Promise<Reverts> {
  const refused = outcomes.filter(
    (o) => !o.ok && isRefusal(o.error.status) && o.entry.op !== 'create',
  )
  if (refused.length === 0) return new Map()
  try {
    const found = await fetchRecords(ctx.send, {
      tableId: request.tableId,
      recordIds: refused.map((o) => o.entry.recordId ?? ''),
    })
    return new Map([[request.tableId, found]])
  } catch (error) {
    ctx.apply.logger.warn({ err: error }, 'outbox: could not read records to revert')
    return 'unknown'
  }
}

function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429
}

/** What an entry's outcome does: its mutations' transitions, then the mirror. */
interface Settlement {
  transitions: Transition[]
  mirror: (tx: Db) => Promise<void>
}

function settle(
  ctx: RoundContext,
  job: {
    outcome: EntryOutcome
    request: PlannedRequest
    attempts: ReadonlyMap<string, number>
    rows: readonly StoredMutation[]
    reverts: Reverts
  },
): Settlement {
  const { outcome } = job
  const { entry } = outcome
  const afterPosition = lastPositionOf(job.rows, entry)
  const atMs = ctx.send.clock.now()
  const alreadyGone =
    !outcome.ok && entry.op === 'delete' && isGoneFor(outcome.error, entry.recordId)
  if (outcome.ok || alreadyGone) {
    const record = outcome.ok ? outcome.record : undefined
    const recordId = record?.id ?? entry.recordId ?? ''
    return {
      transitions: entry.mutationIds.map((mutationId) => ({
        mutationId,
        action: { type: 'ack', recordId, atMs, latencyMs: outcome.latencyMs },
        patch: { recordId, result: record ?? { id: recordId, deleted: true } },
      })),
      mirror: (tx) => mirrorCommitted(tx, ctx.apply, { entry, record, afterPosition }),
    }
  }
  const action = actionFor(ctx, { outcome, kind: job.request.kind, attempts: job.attempts, atMs })
  return {
    transitions: entry.mutationIds.map((mutationId) => ({ mutationId, action })),
    async mirror(tx) {
      if (action.type !== 'fail') return
      const remote =
        job.reverts === 'unknown'
          ? 'unknown'
          : job.reverts.get(entry.tableId)?.get(entry.recordId ?? '')
      await mirrorReverted(tx, ctx.apply, { entry, remote, afterPosition })
    },
  }
}

function actionFor(
  ctx: RoundContext,
  input: {
    outcome: Extract<EntryOutcome, { ok: false }>
    kind: PlannedRequest['kind']
    attempts: ReadonlyMap<string, number>
    atMs: number
  },
): MutationAction {
  const { entry, error, latencyMs } = input.outcome
  const attempts = Math.max(1, ...entry.mutationIds.map((id) => input.attempts.get(id) ?? 1))
  return failureAction({
    error,
    kind: input.kind,
    attempts,
    atMs: input.atMs,
    random: ctx.random,
    latencyMs,
    policy: ctx.retry,
  })
}

/**
 * Rows left `sending` (this writer stopped mid-request, or another instance died): nobody knows
 * whether their request landed. A plain create must be reconciled; anything else is safe to send
 * again. `ids` limits it to some rows; all stale rows otherwise.
 */
export async function recoverInterrupted(
  ctx: RoundContext,
  ids?: ReadonlySet<string>,
): Promise<number> {
  const rows = (await listOpenMutations(ctx.db, { baseId: ctx.apply.baseId, limit: ctx.loadLimit }))
    .filter((row) => row.state === 'sending' && lifecycleOf(row).status === 'sending')
    .filter((row) => ids === undefined || ids.has(row.mutationId))
  if (rows.length === 0) return 0
  const nowMs = ctx.send.clock.now()
  const error: MutationError = {
    type: 'INTERRUPTED',
    message: 'the writer stopped while the request was in flight',
    status: 0,
  }
  const creates = new Set(rows.filter((row) => isPlainCreate(ctx, row)).map(recordKeyOf))
  const transitions: Transition[] = rows.map((row) => ({
    mutationId: row.mutationId,
    action: creates.has(recordKeyOf(row))
      ? { type: 'outcome-unknown', error, atMs: nowMs }
      : { type: 'retry', error, nextAttemptAtMs: nowMs },
  }))
  await ctx.db.transaction((tx) => applyTransitions(tx, ctx.apply, transitions))
  return rows.length
}

function isPlainCreate(ctx: RoundContext, row: StoredMutation | CoalescedMutation): boolean {
  const merge = row.mergeFieldIds ?? ctx.mergeFieldIdsByTable[row.tableId]
  return row.op === 'create' && (merge === undefined || merge.length === 0)
}
