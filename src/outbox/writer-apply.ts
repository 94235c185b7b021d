/**
 * The writer's database side: each lifecycle action persisted with its audit entry, the
 * change-feed `mutation` entry of each settled mutation, and the mirror brought to Airtable's
 * answer — all in the caller's transaction (one per request), so a crash leaves either the whole
 * outcome of a request or none of it.
 *
 * Invariants:
 * - Rows are re-read inside the transaction and the action applied with the pure reducer; an
 *   action that no longer applies (a stale view after a takeover) is logged and skipped, never
 *   forced.
 * - Every transaction that writes records takes the feed lock first (src/store feed.ts).
 * - The mirror shows Airtable's record with the still-open later mutations of the record folded
 *   on top: an answer to an earlier write never hides a later optimistic edit.
 * - A settled state (committed, failed, conflict, superseded, dropped) appends a `mutation`
 *   feed entry `{state, status, recordId, error?}` in the same transaction: H3's waiters and
 *   the SSE stream rely on it.
 */
import type { Logger } from 'pino'
import type { AirtableRecord, Fields } from '../protocol/index.ts'
import {
  appendAudit,
  appendChanges,
  applyWrite,
  deleteRecords,
  getMutations,
  getRecords,
  listOpenMutations,
  listOpenMutationsNaming,
  reassignRecordId,
  updateMutations,
  upsertRecords,
  type AuditInput,
  type ChangeInput,
  type Db,
  type MutationPatch,
  type StoredMutation,
} from '../store/index.ts'
import type { CoalescedMutation } from './coalesce.ts'
import {
  InvalidTransitionError,
  STORE_STATE,
  auditOf,
  reduce,
  type MutationAction,
  type MutationLifecycle,
} from './mutation.ts'
import { lifecycleOf, patchOf } from './store-mapping.ts'
import { replaceTempLinks } from './temp-links.ts'

/** The logger the writer writes to (a pino logger fits). */
export type WriterLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>

/** What the apply functions need besides the transaction. */
export interface ApplyContext {
  baseId: string
  logger: WriterLogger
}

/** One action for one mutation. */
export interface Transition {
  mutationId: string
  action: MutationAction
  /** Extra row changes, e.g. Airtable's record as `result`. */
  patch?: MutationPatch
  /** Extra data for the feed's `mutation` entry. */
  feedData?: Record<string, unknown>
  /** Extra detail for the audit entry (merged into the action's). */
  auditDetail?: Record<string, unknown>
}

const SETTLED: ReadonlySet<MutationLifecycle['status']> = new Set([
  'committed',
  'failed',
  'conflict',
  'superseded',
  'dropped',
])

/**
 * Applies actions to mutations (in `tx`): row, audit entry, and a feed entry for settled states
 * and re-queued held ones. @returns the rows as they were before, for those that changed
 */
export async function applyTransitions(
  tx: Db,
  ctx: ApplyContext,
  transitions: readonly Transition[],
): Promise<StoredMutation[]> {
  if (transitions.length === 0) return []
  const rows = new Map(
    (await getMutations(tx, [...new Set(transitions.map((t) => t.mutationId))])).map((r) => [
      r.mutationId,
      r,
    ]),
  )
  const audits: AuditInput[] = []
  const changes: ChangeInput[] = []
  const changed: StoredMutation[] = []
  const current = new Map<string, MutationLifecycle>()
  const patches = new Map<string, MutationPatch>()
  for (const t of transitions) {
    const row = rows.get(t.mutationId)
    if (row === undefined) continue
    const state = current.get(row.mutationId) ?? lifecycleOf(row)
    let next: MutationLifecycle
    try {
      next = reduce(state, t.action)
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error
      ctx.logger.warn({ mutationId: row.mutationId, err: error }, 'stale outbox action skipped')
      continue
    }
    current.set(row.mutationId, next)
    // One row per mutation: a later transition of the same mutation patches over an earlier one.
    patches.set(row.mutationId, {
      ...patches.get(row.mutationId),
      ...patchOf(next),
      ...t.patch,
    })
    const recordId = next.status === 'committed' ? next.recordId : row.recordId
    const audit = auditOf(t.action, next)
    audits.push({
      ...audit,
      ...(t.auditDetail !== undefined && {
        detail: { ...(audit.detail as Record<string, unknown>), ...t.auditDetail },
      }),
      baseId: ctx.baseId,
      tableId: row.tableId,
      recordId: recordId ?? row.tempRecordId,
      mutationId: row.mutationId,
      actor: row.actor,
      source: 'outbox',
    })
    const requeued = t.action.type === 'resolve' || t.action.type === 'requeue'
    if (SETTLED.has(next.status) || requeued) {
      changes.push(mutationChange(row, next, { ...t.feedData, recordId }))
    }
    changed.push(row)
  }
  await updateMutations(
    tx,
    [...patches].map(([mutationId, patch]) => ({ mutationId, patch })),
  )
  await appendAudit(tx, audits)
  await appendChanges(tx, changes)
  return changed
}

function mutationChange(
  row: StoredMutation,
  next: MutationLifecycle,
  data: Record<string, unknown>,
): ChangeInput {
  const error =
    next.status === 'failed' ? { error: next.error } : next.status === 'dropped' ? dropped() : {}
  const extra =
    next.status === 'conflict'
      ? { conflictId: next.conflictId }
      : next.status === 'superseded'
        ? { superseded: { by: next.by, reason: next.reason } }
        : {}
  return {
    baseId: row.baseId,
    tableId: row.tableId,
    recordId: typeof data['recordId'] === 'string' ? data['recordId'] : row.recordId,
    kind: 'mutation',
    source: 'outbox',
    mutationId: row.mutationId,
    actor: row.actor,
    data: {
      state: STORE_STATE[next.status],
      status: next.status,
      tempRecordId: row.tempRecordId,
      attempts: next.attempts,
      ...extra,
      ...error,
      ...data,
    },
  }
}

function dropped(): { error: { type: string; message: string; status: number } } {
  return { error: { type: 'DROPPED', message: 'dropped by an operator', status: 0 } }
}

/** The temporary ID a create entry was accepted under, if any. */
export function tempIdOf(entry: CoalescedMutation, realId: string | undefined): string | undefined {
  if (entry.op !== 'create' && entry.op !== 'upsert') return undefined
  const temp = entry.tempRecordId ?? entry.recordId
  return temp !== undefined && temp !== realId ? temp : undefined
}

/** The highest position among an entry's members (its later mutations come after it). */
export function lastPositionOf(rows: readonly StoredMutation[], entry: CoalescedMutation): number {
  const ids = new Set(entry.mutationIds)
  return Math.max(
    entry.position,
    ...rows.filter((r) => ids.has(r.mutationId)).map((r) => r.position),
  )
}

/**
 * Puts Airtable's record into the mirror (in `tx`), replacing the temporary row of a create and
 * pointing later mutations at the real ID; open later mutations stay folded on top. Their link
 * cells are the caller's: {@link reassignLinks}, once per request.
 */
export async function mirrorCommitted(
  tx: Db,
  ctx: ApplyContext,
  commit: { entry: CoalescedMutation; record: AirtableRecord | undefined; afterPosition: number },
): Promise<void> {
  const { entry, record } = commit
  const origin = { source: 'outbox' as const, mutationId: entry.mutationIds[0] }
  const table = { baseId: ctx.baseId, tableId: entry.tableId }
  if (entry.op === 'delete' || record === undefined) {
    if (entry.recordId !== undefined)
      await deleteRecords(tx, { ...table, ...origin, ids: [entry.recordId] })
    return
  }
  const temp = tempIdOf(entry, record.id)
  if (temp !== undefined) {
    await deleteRecords(tx, { ...table, ...origin, ids: [temp] })
    await reassignRecordId(tx, { baseId: ctx.baseId, from: temp, to: record.id })
  }
  await writeMirror(tx, ctx, { ...commit, record })
}

/** A create that committed: its temporary ID, Airtable's, and its mutation (for the feed). */
export interface LinkChange {
  from: string
  to: string
  mutationId: string | undefined
}

/** What {@link reassignLinks} must do after `entry` was answered with `record`. */
export function linkChangesOf(
  entry: CoalescedMutation,
  record: AirtableRecord | undefined,
): LinkChange[] {
  const temp = record === undefined ? undefined : tempIdOf(entry, record.id)
  if (temp === undefined || record === undefined) return []
  return [{ from: temp, to: record.id, mutationId: entry.mutationIds[0] }]
}

/**
 * Once creates have committed (in `tx`, under the feed lock, in the commit's transaction): the
 * open mutations whose link cells (or `baseFields`) name their temporary IDs name Airtable's,
 * and so do the mirror rows of those mutations' records, each change in the feed as an update
 * of the record. Only those rows can hold a temporary link: the mirror learns one from an
 * accepted write, which stays open until the create commits (writer-temp-links.ts).
 */
export async function reassignLinks(
  tx: Db,
  ctx: ApplyContext,
  changes: readonly LinkChange[],
): Promise<void> {
  if (changes.length === 0) return
  const realIds = new Map(changes.map((c) => [c.from, c.to]))
  const ids = changes.map((c) => c.from)
  const rows = await listOpenMutationsNaming(tx, { baseId: ctx.baseId, ids })
  if (rows.length === 0) return
  await updateMutations(
    tx,
    rows.flatMap((row) => {
      const fields = replaceTempLinks(row.fields, realIds)
      const baseFields = replaceTempLinks(row.baseFields, realIds)
      if (fields === row.fields && baseFields === row.baseFields) return []
      const patch = { ...(fields && { fields }), ...(baseFields && { baseFields }) }
      return [{ mutationId: row.mutationId, patch }]
    }),
  )
  // Each record's change is attributed to the create its row named first.
  const byTable = new Map<string, Map<string, string | undefined>>()
  for (const row of rows) {
    const id = row.recordId ?? row.tempRecordId
    if (id === undefined) continue
    const text = JSON.stringify([row.fields, row.baseFields])
    const by = changes.find((c) => text.includes(`"${c.from}"`))?.mutationId
    const records = byTable.get(row.tableId) ?? new Map<string, string | undefined>()
    byTable.set(row.tableId, records)
    const recordId = realIds.get(id) ?? id
    if (!records.has(recordId)) records.set(recordId, by)
  }
  for (const [tableId, records] of byTable) {
    const table = { baseId: ctx.baseId, tableId }
    for (const r of await getRecords(tx, { ...table, ids: [...records.keys()] })) {
      const fields = replaceTempLinks(r.fields, realIds)
      if (fields === r.fields) continue
      await upsertRecords(tx, {
        ...table,
        source: 'outbox',
        mutationId: records.get(r.id),
        records: [{ id: r.id, createdTime: r.createdTime, fields }],
        mode: 'replace',
      })
    }
  }
}

/**
 * Brings the mirror back to Airtable's value after a refused write: the record as fetched (or
 * gone, when Airtable has no such record), or, for a create, no record at all.
 */
export async function mirrorReverted(
  tx: Db,
  ctx: ApplyContext,
  revert: {
    entry: CoalescedMutation
    /** Airtable's record now; `undefined` when it has none; `'unknown'` when the fetch failed. */
    remote: AirtableRecord | undefined | 'unknown'
    afterPosition: number
  },
): Promise<void> {
  const { entry, remote } = revert
  const origin = { source: 'outbox' as const, mutationId: entry.mutationIds[0] }
  const table = { baseId: ctx.baseId, tableId: entry.tableId }
  const temp = tempIdOf(entry, undefined)
  if (entry.op === 'create' || (entry.op === 'upsert' && temp !== undefined)) {
    if (temp !== undefined) await deleteRecords(tx, { ...table, ...origin, ids: [temp] })
    return
  }
  if (remote === 'unknown') return
  if (remote === undefined) {
    if (entry.recordId !== undefined)
      await deleteRecords(tx, { ...table, ...origin, ids: [entry.recordId] })
    return
  }
  await writeMirror(tx, ctx, { entry, record: remote, afterPosition: revert.afterPosition })
}

async function writeMirror(
  tx: Db,
  ctx: ApplyContext,
  write: { entry: CoalescedMutation; record: AirtableRecord; afterPosition: number },
): Promise<void> {
  const { entry, record } = write
  const later = await listOpenMutations(tx, {
    baseId: ctx.baseId,
    recordId: record.id,
    afterPosition: write.afterPosition,
    limit: 1_000,
  })
  let fields: Fields | undefined = { ...record.fields }
  for (const mutation of later) fields = foldOptimistic(fields, mutation)
  const table = { baseId: ctx.baseId, tableId: entry.tableId }
  const origin = { source: 'outbox' as const, mutationId: entry.mutationIds[0] }
  if (fields === undefined) {
    await deleteRecords(tx, { ...table, ...origin, ids: [record.id] })
    return
  }
  await upsertRecords(tx, {
    ...table,
    ...origin,
    records: [{ id: record.id, createdTime: record.createdTime, fields }],
    mode: 'replace',
  })
}

/** A later open mutation's optimistic effect; `undefined` once the record is deleted. */
function foldOptimistic(fields: Fields | undefined, mutation: StoredMutation): Fields | undefined {
  if (fields === undefined || mutation.op === 'delete') return undefined
  if (mutation.op === 'replace') return applyWrite(fields, mutation.fields ?? {}, 'replace')
  return applyWrite(fields, mutation.fields ?? {}, 'merge')
}
