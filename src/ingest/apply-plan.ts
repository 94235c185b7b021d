/**
 * Carries out an {@link IngestPlan} inside the caller's transaction with the store's record
 * repository, which writes the change feed and skips no-op writes. Also fetches, beforehand,
 * the records a payload only partly describes and the mirror does not hold.
 *
 * A changed record the mirror lacks (its creation predates what the mirror saw, e.g. a webhook
 * recreated mid-way) cannot be merged: it is written whole from a fresh fetch, or skipped when
 * Airtable no longer has it (a later payload destroys it).
 */
import type { AirtableClient } from '../airtable/index.ts'
import type { Fields } from '../protocol/index.ts'
import {
  appendAudit,
  deleteRecords,
  deleteRecordsExcept,
  getRecords,
  loadTableRecords,
  pruneViewOrders,
  upsertRecords,
  type ChangeSource,
  type Db,
  type RecordInput,
} from '../store/index.ts'
import type { IngestOp, IngestPlan } from './payload-plan.ts'

/** Records fetched whole, by table ID then record ID. */
export type FetchedRecords = Map<string, Map<string, RecordInput>>

/** IDs per request: `OR(RECORD_ID()='…',…)` stays well under the URL limit. */
const FETCH_CHUNK = 50

/**
 * Fetches the records that `change` operations name but neither the mirror nor an earlier
 * operation of the plan creates; those Airtable no longer has are simply absent.
 */
export async function fetchMissingRecords(options: {
  db: Db
  airtable: AirtableClient
  baseId: string
  plan: IngestPlan
  signal?: AbortSignal | undefined
}): Promise<FetchedRecords> {
  const { db, airtable, baseId } = options
  const fetched: FetchedRecords = new Map()
  for (const [tableId, ids] of missingCandidates(options.plan)) {
    const held = new Set(
      (await getRecords(db, { baseId, tableId, ids: [...ids] })).map((record) => record.id),
    )
    const missing = [...ids].filter((id) => !held.has(id))
    const byId = new Map<string, RecordInput>()
    for (let start = 0; start < missing.length; start += FETCH_CHUNK) {
      const chunk = missing.slice(start, start + FETCH_CHUNK)
      const records = await airtable.table(baseId, tableId).all(
        {
          filterByFormula: `OR(${chunk.map((id) => `RECORD_ID()='${id}'`).join(',')})`,
          returnFieldsByFieldId: true,
        },
        { priority: 'ingest', ...(options.signal !== undefined && { signal: options.signal }) },
      )
      for (const r of records)
        byId.set(r.id, { id: r.id, createdTime: r.createdTime, fields: r.fields })
    }
    if (byId.size > 0) fetched.set(tableId, byId)
  }
  return fetched
}

/** Record IDs of `change` operations not created by an earlier operation, by table. */
function missingCandidates(plan: IngestPlan): Map<string, Set<string>> {
  const created = new Set<string>()
  const candidates = new Map<string, Set<string>>()
  for (const op of plan.ops) {
    if (op.kind === 'create') for (const r of op.records) created.add(`${op.tableId}/${r.id}`)
    if (op.kind !== 'change') continue
    for (const r of op.records) {
      if (created.has(`${op.tableId}/${r.id}`)) continue
      let ids = candidates.get(op.tableId)
      if (ids === undefined) candidates.set(op.tableId, (ids = new Set()))
      ids.add(r.id)
    }
  }
  return candidates
}

/**
 * Applies the plan's operations in order in `tx`.
 * @returns the number of feed entries written
 */
export async function applyPlan(
  tx: Db,
  options: { baseId: string; plan: IngestPlan; fetched: FetchedRecords; source: ChangeSource },
): Promise<number> {
  let entries = 0
  for (const op of options.plan.ops) entries += await applyOp(tx, { ...options, op })
  return entries
}

async function applyOp(
  tx: Db,
  options: { baseId: string; op: IngestOp; fetched: FetchedRecords; source: ChangeSource },
): Promise<number> {
  const { baseId, op } = options
  const plain = { baseId, tableId: op.tableId, source: options.source, actor: op.actor }
  const origin = { ...plain, audit: { at: op.action.timestamp, detail: { airtable: op.action } } }
  switch (op.kind) {
    case 'create': {
      const result = await upsertRecords(tx, { ...origin, records: op.records, mode: 'replace' })
      return result.created.length + result.updated.length
    }
    case 'change': {
      const ids = op.records.map((r) => r.id)
      const held = new Set((await getRecords(tx, { ...origin, ids })).map((r) => r.id))
      const merges = op.records.filter((r) => held.has(r.id))
      const fetched = options.fetched.get(op.tableId)
      const wholes = op.records
        .filter((r) => !held.has(r.id))
        .flatMap((r) => fetched?.get(r.id) ?? [])
      const merged = await upsertRecords(tx, { ...origin, records: merges, mode: 'merge' })
      const replaced = await upsertRecords(tx, { ...origin, records: wholes, mode: 'replace' })
      return merged.updated.length + replaced.created.length + replaced.updated.length
    }
    case 'destroy':
      return (await deleteRecords(tx, { ...origin, ids: op.recordIds })).deleted.length
    case 'drop-fields': {
      const updated = await dropFields(tx, { ...plain, fieldIds: op.fieldIds })
      await auditSchemaDrop(tx, { op, source: options.source, baseId, records: updated })
      return updated
    }
    case 'drop-table': {
      const result = await deleteRecordsExcept(tx, { ...plain, keepIds: [] })
      await pruneViewOrders(tx, { baseId, tableId: op.tableId, keepViewIds: [] })
      await auditSchemaDrop(tx, {
        op,
        source: options.source,
        baseId,
        records: result.deleted.length,
      })
      return result.deleted.length
    }
  }
}

/**
 * A deleted field or table is one audit entry, not one per record it emptied: the records'
 * cells were not edited, and a 100k-row table would flood the log.
 */
async function auditSchemaDrop(
  tx: Db,
  options: { op: IngestOp; source: ChangeSource; baseId: string; records: number },
): Promise<void> {
  const { op } = options
  await appendAudit(tx, [
    {
      baseId: options.baseId,
      tableId: op.tableId,
      actor: op.actor ?? 'airtable',
      source: options.source,
      action: op.kind,
      outcome: 'applied',
      at: op.action.timestamp,
      detail: {
        airtable: op.action,
        records: options.records,
        ...(op.kind === 'drop-fields' && { fieldIds: op.fieldIds }),
      },
    },
  ])
}

/** Removes deleted fields' cells from every record of the table (each such record is updated). */
async function dropFields(
  tx: Db,
  options: {
    baseId: string
    tableId: string
    source: ChangeSource
    actor: string | undefined
    fieldIds: string[]
  },
): Promise<number> {
  const { fieldIds, ...origin } = options
  const records = (await loadTableRecords(tx, origin))
    .filter((r) => fieldIds.some((id) => Object.hasOwn(r.fields, id)))
    .map((r) => {
      const fields: Fields = { ...r.fields }
      for (const id of fieldIds) delete fields[id]
      return { id: r.id, createdTime: r.createdTime, fields }
    })
  const result = await upsertRecords(tx, { ...origin, records, mode: 'replace' })
  return result.updated.length
}
