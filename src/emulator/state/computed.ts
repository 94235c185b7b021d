/**
 * Computed fields (airtable-api.md §5): autoNumber, createdTime, lastModifiedTime, createdBy,
 * lastModifiedBy, formula, multipleLookupValues, count, rollup, button. Their cells are stored
 * like any other and kept current by `propagate`, which recomputes every record a transaction
 * touched and then, transitively, every record that links to a record whose cells changed (in any
 * table), so lookups, rollups and counts across tables stay right. Every recomputed cell goes
 * through the transaction, so webhooks see recomputed values as Airtable's do.
 */
import type { Field } from '../../protocol/index.ts'
import type { FormulaValue } from '../../formula/index.ts'
import { cellToFormulaValue, evaluate, formulaValueToCell, linkIds } from '../../formula/index.ts'
import {
  cellContextOf,
  fieldFormula,
  lastModifiedMs,
  RecordForFormula,
  rollupFormula,
} from './formula-context.ts'
import type { Model } from './model.ts'
import type { TableState } from './table-state.ts'
import type { Tx } from './transaction.ts'
import type { StoredRecord } from './types.ts'

/** A record is recomputed at most this often per transaction: breaks cross-table cycles. */
const MAX_VISITS_PER_RECORD = 20

/** A record with the table and model it lives in. */
export interface RecordScope {
  model: Model
  table: TableState
  record: StoredRecord
}

/** The value `field` should hold for `record` now (undefined = empty). */
export function computeCell(scope: RecordScope, field: Field): unknown {
  const { model, table, record } = scope
  const options = field.options
  switch (field.type) {
    case 'createdTime':
      return options?.result?.type === 'date' ? record.createdTime.slice(0, 10) : record.createdTime
    case 'lastModifiedTime': {
      const ms = lastModifiedMs(table, record, options?.referencedFieldIds)
      if (ms === null) return undefined
      const iso = new Date(ms).toISOString()
      return options?.result?.type === 'date' ? iso.slice(0, 10) : iso
    }
    case 'count':
      return linkIds(record.cells[options?.recordLinkFieldId ?? '']).length
    case 'multipleLookupValues':
      return lookupValues(scope, field)
    case 'rollup':
      return rollupValue(scope, field)
    case 'formula': {
      // Known limit: NOW() and TODAY() are read here, when the record (or one it reads through a
      // link) is written; a formula over them is not recomputed as time passes. Airtable refreshes
      // such formulas periodically (airtable-formula.md). View filters evaluate NOW() per request.
      if (options?.formula === undefined) return undefined
      const node = fieldFormula(table, field, options.formula)
      const value = evaluate(node, {
        record: new RecordForFormula(table, record, cellContextOf(model)),
        nowMs: model.clock.now(),
      })
      return formulaValueToCell(value)
    }
    case 'button':
      return {
        label: typeof options?.['label'] === 'string' ? options['label'] : field.name,
        url: null,
      }
    default:
      // autoNumber, createdBy, lastModifiedBy: stamped by writes; kept as they are.
      return record.cells[field.id]
  }
}

/** The linked records of a lookup/rollup/count field, in link order (missing ones skipped). */
function linkedRecords(
  scope: RecordScope,
  field: Field,
): { linked: TableState; records: StoredRecord[]; target: Field } | undefined {
  const { model, table, record } = scope
  const link = table.field(field.options?.recordLinkFieldId ?? '')
  const linked = model.tableById(link?.options?.linkedTableId ?? '')
  const target = linked?.field(field.options?.fieldIdInLinkedTable ?? '')
  if (!link || !linked || !target) return undefined
  const records: StoredRecord[] = []
  for (const id of linkIds(record.cells[link.id])) {
    const found = linked.records.get(id)
    if (found) records.push(found)
  }
  return { linked, records, target }
}

/** V1 lookup: the linked cells in link order, arrays flattened, empty cells skipped. */
function lookupValues(scope: RecordScope, field: Field): unknown {
  const source = linkedRecords(scope, field)
  if (!source) return undefined
  const values: unknown[] = []
  for (const linkedRecord of source.records) {
    const cell = linkedRecord.cells[source.target.id]
    if (cell === undefined) continue
    if (Array.isArray(cell)) values.push(...(cell as unknown[]))
    else values.push(cell)
  }
  return values.length === 0 ? undefined : values
}

/** Rollup: `options.aggregation` (e.g. `SUM(values)`) evaluated with `values` = linked values. */
function rollupValue(scope: RecordScope, field: Field): unknown {
  const { model, table, record } = scope
  const source = linkedRecords(scope, field)
  if (!source) return undefined
  const cells = cellContextOf(model)
  const values: FormulaValue[] = []
  for (const linkedRecord of source.records) {
    const value = cellToFormulaValue(source.target, linkedRecord.cells[source.target.id], cells)
    if (value === null) continue
    if (Array.isArray(value)) values.push(...(value as FormulaValue[]))
    else values.push(value)
  }
  // Default aggregation when a seed leaves it out [?]: Airtable's UI default is ARRAYJOIN-like.
  const node = rollupFormula(table, field, field.options?.aggregation ?? 'ARRAYJOIN(values)')
  const value = evaluate(node, {
    record: {
      id: record.id,
      createdTimeMs: Date.parse(record.createdTime),
      field: (name) => (name === 'values' ? values : null),
      lastModifiedTimeMs: () => null,
    },
    nowMs: model.clock.now(),
  })
  return formulaValueToCell(value)
}

/** Recomputes every computed cell of one record; true when any changed. */
export function recomputeRecord(
  model: Model,
  tx: Tx,
  target: { table: TableState; recordId: string },
): boolean {
  const { table, recordId } = target
  let changed = false
  for (const field of table.computedOrder()) {
    const record = table.records.get(recordId)
    if (!record) return changed
    const value = computeCell({ model, table, record }, field)
    if (tx.setCell(table, recordId, { fieldId: field.id, value, computed: true })) changed = true
  }
  return changed
}

/**
 * The records (any table) that read this record through a link: via the inverse link field
 * when there is one, else by scanning the linking table. Only links that some computed field
 * of the linking table depends on are followed.
 */
function dependants(
  model: Model,
  table: TableState,
  record: StoredRecord,
): Array<[TableState, string]> {
  const result: Array<[TableState, string]> = []
  for (const other of model.tables) {
    for (const link of other.fields) {
      if (link.type !== 'multipleRecordLinks' || link.options?.linkedTableId !== table.id) continue
      if (!readsThroughLink(other, link.id)) continue
      const inverseId = link.options.inverseLinkFieldId
      if (inverseId !== undefined && table.field(inverseId)) {
        for (const id of linkIds(record.cells[inverseId])) result.push([other, id])
      } else {
        for (const candidate of other.records.values()) {
          if (linkIds(candidate.cells[link.id]).includes(record.id))
            result.push([other, candidate.id])
        }
      }
    }
  }
  return result
}

/** True when a computed field of `table` reads linked records through `linkFieldId`. */
function readsThroughLink(table: TableState, linkFieldId: string): boolean {
  return table
    .computedOrder()
    .some(
      (f) =>
        f.type === 'formula' ||
        ((f.type === 'multipleLookupValues' || f.type === 'rollup' || f.type === 'count') &&
          f.options?.recordLinkFieldId === linkFieldId),
    )
}

/**
 * Recomputes the transaction's seed records, then every dependant of a record whose cells
 * changed, until nothing changes (or the per-record visit cap breaks a cycle).
 */
export function propagate(model: Model, tx: Tx): void {
  const queue: Array<{ table: TableState; recordId: string; forced: boolean }> = tx.seeds.map(
    (s) => ({ ...s, forced: true }),
  )
  const queued = new Set(queue.map((q) => q.recordId))
  const visits = new Map<string, number>()
  for (let i = 0; i < queue.length; i++) {
    const item = queue[i]
    if (!item) break
    queued.delete(item.recordId)
    const count = (visits.get(item.recordId) ?? 0) + 1
    visits.set(item.recordId, count)
    if (count > MAX_VISITS_PER_RECORD || !item.table.records.has(item.recordId)) continue
    const changed = recomputeRecord(model, tx, item)
    const record = item.table.records.get(item.recordId)
    if (!record || !(changed || item.forced)) continue
    for (const [table, recordId] of dependants(model, item.table, record)) {
      if (queued.has(recordId)) continue
      queued.add(recordId)
      queue.push({ table, recordId, forced: false })
    }
  }
  // Records removed in this transaction still matter: whoever linked to them was seeded by links.ts.
}
