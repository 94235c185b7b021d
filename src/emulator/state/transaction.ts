/**
 * One atomic change to a base. Writes go through a Tx: it copies a record before its first change
 * (so stored records stay immutable values), remembers the original to roll back, and at commit
 * diffs originals against results into the BaseTransaction that webhooks report.
 *
 *   open ──(write helpers mutate through tx)──▶ propagate computed ──▶ commit ─▶ emit
 *     └──────────────── any throw ───────────────────────────────▶ rollback (state as before)
 */
import type { Field, Table } from '../../protocol/index.ts'
import { cellEqual, isEmptyCell } from './cells/equal.ts'
import type { TableState } from './table-state.ts'
import type { BaseTransaction, SchemaWriteOptions, StoredRecord, TableChange } from './types.ts'

interface Original {
  table: TableState
  /** The record before the transaction; undefined when the transaction created it. */
  record: StoredRecord | undefined
}

/** Collects the changes of one write; see the module header. */
export class Tx {
  readonly nowMs: number
  readonly #originals = new Map<string, Original>()
  /** Records whose editable cells changed or that were created: the seeds of recomputation. */
  readonly seeds: Array<{ table: TableState; recordId: string }> = []
  readonly #seeded = new Set<string>()
  readonly #orderBackup = new Map<TableState, string[]>()
  readonly #undo: Array<() => void> = []
  readonly createdFields = new Map<string, Map<string, { name: string; type: string }>>()
  readonly changedFields = new Map<
    string,
    Map<string, { current: Partial<Field>; previous: Partial<Field> }>
  >()
  readonly changedMetadata = new Map<string, NonNullable<TableChange['changedMetadata']>>()
  readonly createdTables = new Map<string, Table>()

  constructor(nowMs: number) {
    this.nowMs = nowMs
  }

  /** The record, copied on first touch so this transaction owns (and may mutate) the copy. */
  mutable(table: TableState, recordId: string): StoredRecord {
    const current = table.records.get(recordId)
    if (!current) throw new Error(`tx: no record ${recordId} in ${table.id}`)
    if (this.#originals.has(recordId)) return current
    this.#originals.set(recordId, { table, record: current })
    const copy: StoredRecord = {
      id: current.id,
      createdTime: current.createdTime,
      cells: { ...current.cells },
      modifiedAtByFieldId: { ...current.modifiedAtByFieldId },
    }
    table.records.set(recordId, copy)
    return copy
  }

  /** Adds a new record (owned by this transaction) and marks it for recomputation. */
  insert(table: TableState, record: StoredRecord): void {
    this.#originals.set(record.id, { table, record: undefined })
    table.records.set(record.id, record)
    this.seed(table, record.id)
  }

  /** Removes a record; the order is saved once per table so a rollback restores it exactly. */
  remove(table: TableState, recordId: string): void {
    const current = table.records.get(recordId)
    if (!current) return
    if (!this.#orderBackup.has(table)) this.#orderBackup.set(table, [...table.records.keys()])
    if (!this.#originals.has(recordId)) this.#originals.set(recordId, { table, record: current })
    table.records.delete(recordId)
  }

  /**
   * Sets (or clears, when empty) one cell. Editable changes mark the record as a seed for
   * recomputation and stamp `modifiedAtByFieldId`; computed changes are stamped too, because a
   * lastModifiedTime field may list computed fields. Returns false when nothing changed.
   */
  setCell(
    table: TableState,
    recordId: string,
    change: { fieldId: string; value: unknown; computed?: boolean },
  ): boolean {
    const before = table.records.get(recordId)?.cells[change.fieldId]
    const value = isEmptyCell(change.value) ? undefined : change.value
    if (cellEqual(before, value)) return false
    const record = this.mutable(table, recordId)
    if (value === undefined) delete record.cells[change.fieldId]
    else record.cells[change.fieldId] = value
    record.modifiedAtByFieldId[change.fieldId] = this.nowMs
    if (change.computed !== true) this.seed(table, recordId)
    return true
  }

  /** Marks a record for recomputation (once). */
  seed(table: TableState, recordId: string): void {
    if (this.#seeded.has(recordId)) return
    this.#seeded.add(recordId)
    this.seeds.push({ table, recordId })
  }

  /** Registers how to undo a schema change, run in reverse order on rollback. */
  onRollback(undo: () => void): void {
    this.#undo.push(undo)
  }

  /** Records a field schema change for the payload, merging repeated changes of one field. */
  noteFieldChange(
    tableId: string,
    fieldId: string,
    change: { current: Partial<Field>; previous: Partial<Field> },
  ): void {
    const byField =
      this.changedFields.get(tableId) ??
      new Map<string, { current: Partial<Field>; previous: Partial<Field> }>()
    const known = byField.get(fieldId)
    byField.set(
      fieldId,
      known
        ? {
            current: { ...known.current, ...change.current },
            previous: { ...change.previous, ...known.previous },
          }
        : change,
    )
    this.changedFields.set(tableId, byField)
  }

  /** Restores everything this transaction touched. */
  rollback(): void {
    for (const [id, { table, record }] of this.#originals) {
      if (record === undefined) table.records.delete(id)
      else table.records.set(id, record)
    }
    for (const [table, order] of this.#orderBackup) {
      const restored = new Map<string, StoredRecord>()
      for (const id of order) {
        const record = table.records.get(id)
        if (record) restored.set(id, record)
      }
      table.records = restored
    }
    for (const undo of this.#undo.reverse()) undo()
  }

  /** Builds the webhook-facing description of this transaction. */
  toBaseTransaction(
    init: { baseId: string; number: number } & SchemaWriteOptions,
  ): BaseTransaction {
    const tables = new Map<string, TableChange>()
    const changeOf = (tableId: string): TableChange => {
      let change = tables.get(tableId)
      if (!change) {
        change = emptyTableChange()
        tables.set(tableId, change)
      }
      return change
    }
    for (const [id, { table, record: before }] of this.#originals) {
      if (this.createdTables.has(table.id)) continue
      const after = table.records.get(id)
      if (before === undefined) {
        if (after)
          changeOf(table.id).createdRecords.set(id, {
            createdTime: after.createdTime,
            cells: { ...after.cells },
          })
      } else if (!after) {
        changeOf(table.id).destroyedRecordIds.push(id)
      } else {
        const diff = diffCells(before.cells, after.cells)
        if (diff) changeOf(table.id).changedRecords.set(id, { ...diff, all: { ...after.cells } })
      }
    }
    for (const [tableId, fields] of this.createdFields) {
      for (const [fieldId, field] of fields) changeOf(tableId).createdFields.set(fieldId, field)
    }
    for (const [tableId, fields] of this.changedFields) {
      for (const [fieldId, field] of fields) changeOf(tableId).changedFields.set(fieldId, field)
    }
    for (const [tableId, metadata] of this.changedMetadata)
      changeOf(tableId).changedMetadata = metadata
    const tx: BaseTransaction = {
      baseId: init.baseId,
      baseTransactionNumber: init.number,
      timestamp: new Date(this.nowMs).toISOString(),
      source: init.source,
      tables,
      createdTables: this.createdTables,
      destroyedTableIds: [],
    }
    if (init.user) tx.user = init.user
    return tx
  }
}

function emptyTableChange(): TableChange {
  return {
    createdRecords: new Map(),
    changedRecords: new Map(),
    destroyedRecordIds: [],
    createdFields: new Map(),
    changedFields: new Map(),
    destroyedFieldIds: [],
  }
}

/** The changed fields of a record, or undefined when no cell changed. */
function diffCells(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { current: Record<string, unknown>; previous: Record<string, unknown> } | undefined {
  const current: Record<string, unknown> = {}
  const previous: Record<string, unknown> = {}
  let changed = false
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (cellEqual(before[key], after[key])) continue
    changed = true
    if (after[key] !== undefined) current[key] = after[key]
    if (before[key] !== undefined) previous[key] = before[key]
  }
  return changed ? { current, previous } : undefined
}
