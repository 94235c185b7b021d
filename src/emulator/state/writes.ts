/**
 * Record writes: create, update (PATCH merge / PUT replace) and delete (airtable-api.md §2.6,
 * §2.7, §2.9). Each runs in two phases so a request is atomic: first every record is resolved and
 * validated (nothing changes; the first problem throws Airtable's error), then the plan is
 * applied through the transaction, links synced, and select choices created by typecast added.
 * The 10-record cap is the HTTP layer's job.
 */
import type { Field } from '../../protocol/index.ts'
import { isAirtableId, isComputedField, newId } from '../../protocol/index.ts'
import type { NormalizeContext } from './cells/validate.ts'
import { normalizeCell } from './cells/validate.ts'
import { cellEqual } from './cells/equal.ts'
import { computedField, invalidRequest, rowDoesNotExist, unknownField } from './errors.ts'
import { syncInverse, unlinkRecord } from './links.ts'
import type { Model } from './model.ts'
import { addChoices } from './schema-ops.ts'
import type { TableState } from './table-state.ts'
import type { Tx } from './transaction.ts'
import type { Collaborator, RecordInput, StoredRecord } from './types.ts'

/** Validated cells to write: field ID → cell (undefined = clear). */
export type CellPlan = Map<string, unknown>

/** Validation state shared by all records of one request. */
export interface PlanContext {
  model: Model
  table: TableState
  typecast: boolean
  newChoices: Map<string, string[]>
}

/** A fresh plan context for one request. */
export function planContext(
  model: Model,
  table: TableState,
  typecast: boolean | undefined,
): PlanContext {
  return { model, table, typecast: typecast === true, newChoices: new Map() }
}

/**
 * Resolves `fields` (keys are names or IDs) and validates every value. Throws UNKNOWN_FIELD_NAME,
 * INVALID_VALUE_FOR_COLUMN (wrong shape, or a computed field), INVALID_MULTIPLE_CHOICE_OPTIONS,
 * ROW_DOES_NOT_EXIST (link to a missing record).
 */
export function planCells(ctx: PlanContext, fields: unknown, current?: StoredRecord): CellPlan {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw invalidRequest('Could not find field "fields" in the request body')
  }
  const plan: CellPlan = new Map()
  for (const [key, raw] of Object.entries(fields as Record<string, unknown>)) {
    const field = ctx.table.field(key)
    if (!field) throw unknownField(key)
    if (isComputedField(field)) {
      if (raw === null && ctx.model.behaviour.computedNullWrite === 'ignore') continue
      throw computedField(field.name)
    }
    const normalize: NormalizeContext = {
      model: ctx.model,
      typecast: ctx.typecast,
      newChoices: ctx.newChoices,
      current: current?.cells[field.id],
    }
    plan.set(field.id, normalizeCell(field, raw, normalize))
  }
  return plan
}

/** Applies the select choices typecast asked for (once the whole request has validated). */
export function commitChoices(ctx: PlanContext, tx: Tx): void {
  for (const [fieldId, names] of ctx.newChoices)
    addChoices(ctx.model, tx, { table: ctx.table, fieldId, names })
}

/** Writes one cell and keeps links symmetric; false when the value did not change. */
function writeCell(
  model: Model,
  tx: Tx,
  write: { table: TableState; recordId: string; field: Field; value: unknown },
): boolean {
  const before = write.table.records.get(write.recordId)?.cells[write.field.id]
  if (cellEqual(before, write.value)) return false
  tx.setCell(write.table, write.recordId, { fieldId: write.field.id, value: write.value })
  if (write.field.type === 'multipleRecordLinks') {
    syncInverse(model, tx, {
      field: write.field,
      recordId: write.recordId,
      before,
      after: write.value,
    })
  }
  return true
}

/** Stamps createdBy / lastModifiedBy fields with the acting user, when there is one. */
function stampUser(
  tx: Tx,
  table: TableState,
  stamp: { recordId: string; user: Collaborator | undefined; created: boolean },
): void {
  if (!stamp.user) return
  for (const field of table.fields) {
    if (field.type === 'lastModifiedBy' || (stamp.created && field.type === 'createdBy')) {
      tx.setCell(table, stamp.recordId, {
        fieldId: field.id,
        value: { ...stamp.user },
        computed: true,
      })
    }
  }
}

/** Creates one record per plan (in order) and returns their IDs. */
export function applyCreates(
  ctx: PlanContext,
  tx: Tx,
  write: { plans: CellPlan[]; user: Collaborator | undefined; fixed?: readonly FixedIdentity[] },
): string[] {
  const { model, table } = ctx
  const now = secondsIso(tx.nowMs)
  return write.plans.map((plan, i) => {
    const fixed = write.fixed?.[i]
    const record: StoredRecord = {
      id: fixed?.id ?? newId('rec'),
      createdTime: fixed?.createdTime ?? now,
      cells: {},
      modifiedAtByFieldId: {},
    }
    for (const field of table.fields) {
      if (field.type === 'autoNumber') record.cells[field.id] = model.takeAutoNumber(field.id)
    }
    tx.insert(table, record)
    for (const [fieldId, value] of plan) {
      const field = table.field(fieldId)
      if (field) writeCell(model, tx, { table, recordId: record.id, field, value })
    }
    stampUser(tx, table, { recordId: record.id, user: write.user, created: true })
    // A seeded record was last edited when it was created, not when the seed was loaded.
    if (fixed?.createdTime !== undefined) {
      const stamps = table.records.get(record.id)?.modifiedAtByFieldId ?? {}
      for (const key of Object.keys(stamps)) stamps[key] = Date.parse(fixed.createdTime)
    }
    return record.id
  })
}

/** A seeded record's given ID and creation time. */
export interface FixedIdentity {
  id?: string
  createdTime?: string
}

/** ISO-8601 UTC at second precision, as Airtable's createdTime (airtable-api.md §2.1). */
function secondsIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString()
}

/** Validates seeded IDs (shape, unused in the base and the request) and creation times. */
export function checkFixedIdentities(
  model: Model,
  fixed: readonly FixedIdentity[],
): FixedIdentity[] {
  const seen = new Set<string>()
  return fixed.map(({ id, createdTime }) => {
    if (id !== undefined) {
      const used = seen.has(id) || model.tables.some((t) => t.records.has(id))
      if (!isAirtableId(id, 'rec') || used)
        throw invalidRequest(`Invalid or duplicate record id ${id}`)
      seen.add(id)
    }
    const ms = createdTime === undefined ? undefined : Date.parse(createdTime)
    if (ms !== undefined && Number.isNaN(ms))
      throw invalidRequest(`Invalid createdTime ${String(createdTime)}`)
    const result: FixedIdentity = {}
    if (id !== undefined) result.id = id
    if (ms !== undefined) result.createdTime = secondsIso(ms)
    return result
  })
}

/** Checks that `id` names a record of the table; ROW_DOES_NOT_EXIST otherwise. */
export function existingRecord(table: TableState, id: unknown): StoredRecord {
  const record = typeof id === 'string' ? table.records.get(id) : undefined
  if (!record) throw rowDoesNotExist(typeof id === 'string' ? id : String(id))
  return record
}

/**
 * Applies an update plan to an existing record. PATCH writes only the planned fields; PUT
 * (`destructive`) also clears every editable field the plan does not list.
 */
export function applyUpdate(
  ctx: PlanContext,
  tx: Tx,
  update: {
    recordId: string
    plan: CellPlan
    destructive: boolean
    user: Collaborator | undefined
  },
): void {
  const { model, table } = ctx
  let changed = false
  const fields = update.destructive
    ? table.fields.filter((f) => !isComputedField(f))
    : [...update.plan.keys()].map((id) => table.field(id)).filter((f) => f !== undefined)
  for (const field of fields) {
    const value = update.plan.get(field.id)
    if (writeCell(model, tx, { table, recordId: update.recordId, field, value })) changed = true
  }
  if (changed)
    stampUser(tx, table, { recordId: update.recordId, user: update.user, created: false })
}

/** Validates a whole update request: every id exists, every cell is valid. */
export function planUpdates(
  ctx: PlanContext,
  inputs: readonly RecordInput[],
): Array<{ recordId: string; plan: CellPlan }> {
  return inputs.map((input) => {
    const record = existingRecord(ctx.table, input.id)
    return { recordId: record.id, plan: planCells(ctx, input.fields, record) }
  })
}

/** Deletes records (validated first: all must exist) and unlinks them everywhere. */
export function applyDeletes(
  model: Model,
  tx: Tx,
  remove: { table: TableState; ids: readonly string[] },
): void {
  for (const id of remove.ids) existingRecord(remove.table, id)
  for (const id of remove.ids) {
    if (!remove.table.records.has(id)) continue
    unlinkRecord(model, tx, { table: remove.table, recordId: id })
    tx.remove(remove.table, id)
  }
}
