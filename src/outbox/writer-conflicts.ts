/**
 * The writer's conflict stage, run on a planned round before anything is sent: the mutations
 * that carry `baseFields` (what their writer last saw) are checked against Airtable's current
 * records, read in batches (≤ 100 per call), three-way per field (conflict.ts) under the
 * configured policies.
 *
 * - No conflict: the entry is sent with the merged fields (fields only Airtable changed keep its
 *   value; the rest are the writer's).
 * - Conflicts settled by policy: recorded (`resolved`) with an audit entry each, and the entry
 *   is sent with the settled values.
 * - A held field (`manual`, or `merge-sets` on a non-list): the conflict is recorded `open`, the
 *   entry's mutations move to state `conflict` (audit + feed) and leave the round; they fence
 *   their record until {@link resolveHeldConflict} settles them.
 * A record Airtable no longer has is sent as is: Airtable's 404 fails it like any refused write.
 */
import { randomUUID } from 'node:crypto'
import type { AirtableRecord, BaseSchema, Field } from '../protocol/index.ts'
import {
  appendAudit,
  lastCommittedFieldWrites,
  lockFeed,
  recordConflict,
  type AuditInput,
  type CommittedFieldWrite,
  type Db,
} from '../store/index.ts'
import type { PlannedRequest } from './batch.ts'
import { cellsEqual } from './cell-equality.ts'
import type { CoalescedMutation } from './coalesce.ts'
import {
  resolveThreeWay,
  summariseConflicts,
  type ConflictPolicy,
  type ThreeWayResult,
} from './conflict.ts'
import { applyTransitions, type ApplyContext, type Transition } from './writer-apply.ts'
import { fetchRecords, type SendContext } from './writer-send.ts'

/** What the conflict stage needs. */
export interface ConflictStageContext {
  db: Db
  apply: ApplyContext
  send: SendContext
  schema: BaseSchema | undefined
  policyFor: (tableId: string, fieldId: string) => ConflictPolicy
  nowMs: number
}

/** The round with held entries removed and checked entries' fields settled. */
export async function runConflictStage(
  ctx: ConflictStageContext,
  requests: readonly PlannedRequest[],
): Promise<PlannedRequest[]> {
  const checked = requests.flatMap((r) => r.mutations.filter(needsCheck))
  if (checked.length === 0) return [...requests]
  const remote = await readRemote(ctx, checked)
  const ownWrites = await readOwnWrites(ctx, checked)
  const outcomes = new Map<CoalescedMutation, ThreeWayResult>()
  for (const entry of checked) {
    const record = remote.get(entry.recordId ?? '')
    if (record === undefined) continue
    outcomes.set(entry, decide(ctx, entry, { record, ownWrites }))
  }
  const held = await record(ctx, outcomes, remote)
  return requests
    .map((request) => ({
      ...request,
      mutations: request.mutations
        .filter((entry) => !held.has(entry))
        .map((entry) => {
          const outcome = outcomes.get(entry)
          return outcome === undefined ? entry : { ...entry, fields: outcome.fields }
        }),
    }))
    .filter((request) => request.mutations.length > 0)
}

function needsCheck(entry: CoalescedMutation): boolean {
  return (
    entry.baseFields !== undefined &&
    (entry.op === 'update' || entry.op === 'replace') &&
    entry.recordId !== undefined
  )
}

async function readRemote(
  ctx: ConflictStageContext,
  entries: readonly CoalescedMutation[],
): Promise<Map<string, AirtableRecord>> {
  const byTable = new Map<string, string[]>()
  for (const entry of entries) {
    const ids = byTable.get(entry.tableId) ?? []
    ids.push(entry.recordId ?? '')
    byTable.set(entry.tableId, ids)
  }
  const found = new Map<string, AirtableRecord>()
  for (const [tableId, recordIds] of byTable) {
    for (const [id, rec] of await fetchRecords(ctx.send, { tableId, recordIds })) found.set(id, rec)
  }
  return found
}

/** Keys {@link CommittedFieldWrite}s by table, record and field. */
const ownWriteKey = (tableId: string, recordId: string, fieldId: string): string =>
  JSON.stringify([tableId, recordId, fieldId])

/** airsync's latest committed write of each `latest-wins` field checked this round (one query). */
async function readOwnWrites(
  ctx: ConflictStageContext,
  entries: readonly CoalescedMutation[],
): Promise<Map<string, CommittedFieldWrite>> {
  const fields = entries.flatMap(({ tableId, recordId = '', fields: written }) =>
    Object.keys(written)
      .filter((fieldId) => ctx.policyFor(tableId, fieldId) === 'latest-wins')
      .map((fieldId) => ({ tableId, recordId, fieldId })),
  )
  const writes = await lastCommittedFieldWrites(ctx.db, { baseId: ctx.apply.baseId, fields })
  return new Map(writes.map((w) => [ownWriteKey(w.tableId, w.recordId, w.fieldId), w]))
}

function decide(
  ctx: ConflictStageContext,
  entry: CoalescedMutation,
  seen: { record: AirtableRecord; ownWrites: ReadonlyMap<string, CommittedFieldWrite> },
): ThreeWayResult {
  const remote = seen.record
  const stampOf = lastModifiedReader(ctx.schema, entry.tableId, remote)
  const modifiedAt = (fieldId: string): number | undefined => {
    const own = seen.ownWrites.get(ownWriteKey(entry.tableId, entry.recordId ?? '', fieldId))
    return remoteEditedAt(stampOf(fieldId), own, remote.fields[fieldId])
  }
  return resolveThreeWay({
    base: entry.baseFields,
    remote: remote.fields,
    local: entry.fields,
    mode: entry.op === 'replace' ? 'put' : 'patch',
    policyFor: (fieldId) => ctx.policyFor(entry.tableId, fieldId),
    localEditedAtMs: (fieldId) => entry.fieldEditedAtMs[fieldId],
    remoteModifiedAtMs: modifiedAt,
  })
}

/**
 * When Airtable's value of a field was edited, as `latest-wins` compares it. Airtable stamps
 * airsync's own write when it commits, which may be later than a newer edit queued meanwhile:
 * while Airtable still holds the value of airsync's latest committed write of the field, that
 * write's edit (acceptance) time counts, not the stamp. (Someone later setting that same value
 * again in Airtable is taken for airsync's write: the values cannot tell them apart.)
 */
function remoteEditedAt(
  stampMs: number | undefined,
  own: Pick<CommittedFieldWrite, 'value' | 'createdAt'> | undefined,
  remoteValue: unknown,
): number | undefined {
  if (own === undefined || !cellsEqual(own.value, remoteValue)) return stampMs
  return Date.parse(own.createdAt)
}

/**
 * When Airtable's value of a field last changed, from a `lastModifiedTime` field watching it (or
 * watching every field). [?] Airtable exposes no per-field times otherwise: without such a field,
 * `latest-wins` falls back to its tie-break (Airtable's value).
 */
function lastModifiedReader(
  schema: BaseSchema | undefined,
  tableId: string,
  remote: AirtableRecord,
): (fieldId: string) => number | undefined {
  const fields: Field[] = schema?.tables.find((t) => t.id === tableId)?.fields ?? []
  const stamps = fields.filter((f) => f.type === 'lastModifiedTime')
  return (fieldId) => {
    const watching = stamps.find((f) => {
      const refs = f.options?.referencedFieldIds
      return refs === undefined || refs.length === 0 || refs.includes(fieldId)
    })
    const value = watching === undefined ? undefined : remote.fields[watching.id]
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN
    return Number.isNaN(ms) ? undefined : ms
  }
}

/** Records every conflict; moves held entries to `conflict`. @returns the held entries */
async function record(
  ctx: ConflictStageContext,
  outcomes: ReadonlyMap<CoalescedMutation, ThreeWayResult>,
  remote: ReadonlyMap<string, AirtableRecord>,
): Promise<Set<CoalescedMutation>> {
  const held = new Set<CoalescedMutation>()
  const withConflicts = [...outcomes].filter(([, result]) => result.conflicts.length > 0)
  if (withConflicts.length === 0) return held
  await ctx.db.transaction(async (tx) => {
    await lockFeed(tx)
    const audits: AuditInput[] = []
    const transitions: Transition[] = []
    for (const [entry, result] of withConflicts) {
      const summary = summariseConflicts(result)
      if (summary === undefined) continue
      const id = randomUUID()
      const recordId = entry.recordId ?? ''
      await recordConflict(tx, {
        ...summary,
        id,
        baseId: ctx.apply.baseId,
        tableId: entry.tableId,
        recordId,
        mutationId: entry.mutationIds[0],
        resolvedBy: summary.status === 'resolved' ? 'policy' : undefined,
      })
      const detail = {
        conflictId: id,
        policy: summary.policy,
        fields: result.conflicts.map((c) => ({
          fieldId: c.fieldId,
          policy: c.policy,
          resolution: c.resolution,
          base: c.base ?? null,
          local: c.local ?? null,
          remote: c.remote ?? null,
          value: c.value ?? null,
        })),
        remoteRecord: remote.get(recordId)?.fields,
      }
      if (result.held) {
        held.add(entry)
        for (const mutationId of entry.mutationIds) {
          transitions.push({
            mutationId,
            action: { type: 'conflict', conflictId: id, atMs: ctx.nowMs },
            auditDetail: detail,
          })
        }
        continue
      }
      for (const mutationId of entry.mutationIds) {
        audits.push({
          baseId: ctx.apply.baseId,
          tableId: entry.tableId,
          recordId,
          mutationId,
          source: 'outbox',
          action: 'conflict',
          outcome: summary.resolution ?? 'resolved',
          detail,
        })
      }
    }
    await appendAudit(tx, audits)
    await applyTransitions(tx, ctx.apply, transitions)
  })
  return held
}
