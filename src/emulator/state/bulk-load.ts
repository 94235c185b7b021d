/**
 * The bulk-load path (seeds, imports): many records in many tables written in one pass, for a
 * base start-up that does not pay for the per-record machinery of ordinary writes.
 *
 *   1 skeletons   every record gets its ID, createdTime and autoNumber first, so link cells may
 *                 point at any record of the load (forward, backward, other tables)
 *   2 plan        every cell is validated as a create validates it; a problem removes the
 *                 skeletons again and throws (nothing changed)
 *   3 write       cells are written straight into the new records
 *   4 links       one pass makes every link symmetric with its inverse (appending, in load order)
 *   5 compute     computed fields once each, over every record of their table, in an order where
 *                 a field comes after every computed field it reads (same table or linked)
 *
 * The result equals the same records written one request after another (load.test.ts and
 * bulk-load.test.ts compare them). With a Tx (somebody listens) new records go through
 * `tx.insert` and touched ones through `tx.mutable`, so the transaction diff is right; without
 * one, records that existed before are copied before a change (stored records stay immutable).
 */
import { linkIds } from '../../formula/index.ts'
import type { Field } from '../../protocol/index.ts'
import { isComputedField, newId } from '../../protocol/index.ts'
import { cellEqual, isEmptyCell } from './cells/equal.ts'
import { computeCell } from './computed.ts'
import type { Model } from './model.ts'
import type { TableState } from './table-state.ts'
import { Tx } from './transaction.ts'
import type { Collaborator, SeedRecordInput, StoredRecord } from './types.ts'
import {
  checkFixedIdentities,
  commitChoices,
  planCells,
  planContext,
  type CellPlan,
  type PlanContext,
} from './writes.ts'

/** The records of one table in a bulk load. */
export interface BulkTableInput {
  /** Table ID or name. */
  table: string
  records: readonly SeedRecordInput[]
}

/** How a bulk load runs. */
export interface BulkLoadOptions {
  typecast: boolean
  user: Collaborator | undefined
  /** The transaction to record through, when somebody listens; undefined otherwise. */
  tx: Tx | undefined
}

interface Loaded {
  table: TableState
  ctx: PlanContext
  records: StoredRecord[]
  plans: CellPlan[]
  stampsMs: number[]
}

/** Hands out records this load may mutate: new ones, and copies of those that existed. */
class Owner {
  readonly #owned = new Set<StoredRecord>()
  readonly #tx: Tx | undefined
  readonly touched = new Set<TableState>()

  constructor(tx: Tx | undefined) {
    this.#tx = tx
  }

  insert(table: TableState, record: StoredRecord): void {
    if (this.#tx) this.#tx.insert(table, record)
    else table.records.set(record.id, record)
    this.#owned.add(record)
  }

  own(table: TableState, record: StoredRecord): StoredRecord {
    if (this.#owned.has(record)) return record
    this.touched.add(table)
    const copy = this.#tx
      ? this.#tx.mutable(table, record.id)
      : {
          id: record.id,
          createdTime: record.createdTime,
          cells: { ...record.cells },
          modifiedAtByFieldId: { ...record.modifiedAtByFieldId },
        }
    table.records.set(record.id, copy)
    this.#owned.add(copy)
    return copy
  }

  /** Sets one cell (empty clears it) and stamps it; false when nothing changed. */
  set(
    table: TableState,
    record: StoredRecord,
    write: { fieldId: string; value: unknown; atMs: number },
  ): boolean {
    const value = isEmptyCell(write.value) ? undefined : write.value
    if (cellEqual(record.cells[write.fieldId], value)) return false
    const target = this.own(table, record)
    if (value === undefined) delete target.cells[write.fieldId]
    else target.cells[write.fieldId] = value
    target.modifiedAtByFieldId[write.fieldId] = write.atMs
    return true
  }
}

/** ISO-8601 UTC at second precision, as Airtable's createdTime. */
function secondsIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString()
}

/** Loads the records of every batch; returns their IDs per batch, in input order. */
export function bulkLoad(
  model: Model,
  batches: readonly BulkTableInput[],
  options: BulkLoadOptions,
): string[][] {
  const nowMs = options.tx?.nowMs ?? model.clock.now()
  const owner = new Owner(options.tx)
  const fixed = checkFixedIdentities(
    model,
    batches.flatMap((b) => b.records),
  )
  const autoNumbers = new Map(model.autoNumbers)
  const loaded: Loaded[] = []
  let offset = 0
  for (const batch of batches) {
    const table = model.table(batch.table)
    const records = batch.records.map((_, i) => {
      const identity = fixed[offset + i]
      const record: StoredRecord = {
        id: identity?.id ?? newId('rec'),
        createdTime: identity?.createdTime ?? secondsIso(nowMs),
        cells: {},
        modifiedAtByFieldId: {},
      }
      for (const field of table.fields)
        if (field.type === 'autoNumber') record.cells[field.id] = model.takeAutoNumber(field.id)
      owner.insert(table, record)
      return record
    })
    const stampsMs = batch.records.map((_, i) => {
      const at = fixed[offset + i]?.createdTime
      return at === undefined ? nowMs : Date.parse(at)
    })
    offset += batch.records.length
    loaded.push({
      table,
      ctx: planContext(model, table, options.typecast),
      records,
      plans: [],
      stampsMs,
    })
  }
  try {
    for (const [i, item] of loaded.entries())
      item.plans = (batches[i]?.records ?? []).map((input) => planCells(item.ctx, input.fields))
  } catch (error) {
    // Nothing but the skeletons changed: take them out again (a Tx rolls back by itself).
    if (!options.tx)
      for (const item of loaded) for (const r of item.records) item.table.records.delete(r.id)
    model.autoNumbers = autoNumbers
    throw error
  }
  for (const item of loaded) {
    if (item.ctx.newChoices.size > 0) commitChoices(item.ctx, options.tx ?? new Tx(nowMs))
  }
  writeCells(loaded, options.user)
  linkInverses(model, loaded, { owner, nowMs })
  computeAll(model, tablesToCompute(model, loaded, owner), { owner, nowMs })
  return loaded.map((item) => item.records.map((r) => r.id))
}

/** Writes the planned cells (stamped with the record's creation) and the acting user. */
function writeCells(loaded: readonly Loaded[], user: Collaborator | undefined): void {
  for (const { table, records, plans, stampsMs } of loaded) {
    const userFields = user
      ? table.fields.filter((f) => f.type === 'createdBy' || f.type === 'lastModifiedBy')
      : []
    records.forEach((record, i) => {
      const atMs = stampsMs[i] ?? 0
      for (const [fieldId, value] of plans[i] ?? []) {
        if (isEmptyCell(value)) continue
        record.cells[fieldId] = value
        record.modifiedAtByFieldId[fieldId] = atMs
      }
      for (const field of userFields) record.cells[field.id] = { ...user }
    })
  }
}

/** Appends each loaded record to the inverse cell of every record it links to. */
function linkInverses(
  model: Model,
  loaded: readonly Loaded[],
  env: { owner: Owner; nowMs: number },
): void {
  for (const { table, records } of loaded) {
    for (const field of table.fields) {
      if (field.type !== 'multipleRecordLinks') continue
      const inverseId = field.options?.inverseLinkFieldId
      const linked = model.tableById(field.options?.linkedTableId ?? '')
      if (inverseId === undefined || !linked?.field(inverseId)) continue
      for (const record of records) {
        for (const targetId of linkIds(record.cells[field.id])) {
          const target = linked.records.get(targetId)
          if (!target) continue
          const cell = linkIds(target.cells[inverseId])
          if (cell.includes(record.id)) continue
          env.owner.set(linked, target, {
            fieldId: inverseId,
            value: [...cell, record.id],
            atMs: env.nowMs,
          })
        }
      }
    }
  }
}

/**
 * The tables whose computed cells may change: those with new or changed records, and, until
 * nothing is added, those reading one of them through a lookup, rollup or count.
 */
function tablesToCompute(model: Model, loaded: readonly Loaded[], owner: Owner): Set<TableState> {
  const dirty = new Set<TableState>([...loaded.map((l) => l.table), ...owner.touched])
  let grew = true
  while (grew) {
    grew = false
    for (const table of model.tables) {
      if (dirty.has(table)) continue
      const reads = table.fields.some((f) => {
        const link = table.field(f.options?.recordLinkFieldId ?? '')
        const linked = model.tableById(link?.options?.linkedTableId ?? '')
        return linked !== undefined && dirty.has(linked)
      })
      if (reads) {
        dirty.add(table)
        grew = true
      }
    }
  }
  return dirty
}

interface FieldNode {
  table: TableState
  field: Field
}

/**
 * Every computed field of the given tables, ordered so that each comes after the computed fields
 * it reads: same-table `referencedFieldIds`, and the linked field of a lookup or rollup. Cycles
 * (which schema changes refuse) are broken arbitrarily.
 */
export function computeOrder(model: Model, tables: ReadonlySet<TableState>): FieldNode[] {
  const order: FieldNode[] = []
  const seen = new Set<string>()
  const visit = (table: TableState, field: Field): void => {
    if (seen.has(field.id)) return
    seen.add(field.id)
    for (const ref of field.options?.referencedFieldIds ?? []) {
      const dep = table.field(ref)
      if (dep && isComputedField(dep)) visit(table, dep)
    }
    const link = table.field(field.options?.recordLinkFieldId ?? '')
    const linked = model.tableById(link?.options?.linkedTableId ?? '')
    const target = linked?.field(field.options?.fieldIdInLinkedTable ?? '')
    if (linked && target && isComputedField(target) && tables.has(linked)) visit(linked, target)
    if (tables.has(table)) order.push({ table, field })
  }
  for (const table of model.tables) {
    if (!tables.has(table)) continue
    for (const field of table.computedOrder()) visit(table, field)
  }
  return order
}

/** Computes each computed field once over every record of its table. */
function computeAll(
  model: Model,
  tables: ReadonlySet<TableState>,
  env: { owner: Owner; nowMs: number },
): void {
  for (const { table, field } of computeOrder(model, tables)) {
    for (const record of table.records.values()) {
      const value = computeCell({ model, table, record }, field)
      env.owner.set(table, record, { fieldId: field.id, value, atMs: env.nowMs })
    }
  }
}
