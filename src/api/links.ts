/**
 * Linked records' primary cells, loaded from the mirror once per request for the link fields a
 * filter, sort or string rendering needs. Formulas see a link as its records' primary text
 * (airtable-formula.md §3); sorting and `cellFormat=string` use the same cells. A link to a
 * record the mirror does not have reads as empty text, as the emulator does.
 */
import { cellToFormulaValue, linkIds, toText, type CellContext } from '../formula/index.ts'
import type { LinkedPrimaries } from '../formula/index.ts'
import type { BaseSchema, Field, Table } from '../protocol/index.ts'
import { getRecords, type Db, type MirrorRecord } from '../store/index.ts'

/** How deep link → primary text may recurse (a primary that is itself a link is unusual). */
const MAX_LINK_DEPTH = 3

/** Primary cells of linked records, by linked table ID and record ID. */
export class LinkedCells implements LinkedPrimaries {
  readonly #schema: BaseSchema
  readonly #cells = new Map<string, Map<string, unknown>>()
  constructor(schema: BaseSchema) {
    this.#schema = schema
  }

  /** The linked table's primary field, if the table exists. */
  primaryOf(tableId: string): { table: Table; primary: Field } | undefined {
    const table = this.#schema.tables.find((t) => t.id === tableId)
    const primary = table?.fields.find((f) => f.id === table.primaryFieldId)
    return table === undefined || primary === undefined ? undefined : { table, primary }
  }

  /** The linked table's primary field (the shared cell helpers' view). */
  primaryField(tableId: string): Field | undefined {
    return this.primaryOf(tableId)?.primary
  }

  /** The primary cell of a linked record; undefined when blank or not loaded. */
  primaryCell(tableId: string, recordId: string): unknown {
    return this.#cells.get(tableId)?.get(recordId)
  }

  /** Remembers the primary cells of `records` of `tableId`. */
  add(tableId: string, records: readonly MirrorRecord[]): void {
    const primary = this.primaryOf(tableId)?.primary
    if (primary === undefined) return
    const map = this.#cells.get(tableId) ?? new Map<string, unknown>()
    for (const record of records) map.set(record.id, record.fields[primary.id])
    this.#cells.set(tableId, map)
  }

  /** The formula engine's view: links as their records' primary text. */
  cellContext(depth = 0): CellContext {
    return {
      linkedPrimaryText: (linkedTableId, recordId) => {
        if (depth >= MAX_LINK_DEPTH) return recordId
        const found = this.primaryOf(linkedTableId)
        const cell = this.primaryCell(linkedTableId, recordId)
        if (found === undefined || cell === undefined) return ''
        return toText(cellToFormulaValue(found.primary, cell, this.cellContext(depth + 1)))
      },
    }
  }
}

/**
 * Loads the primary cells of every record linked from `records` through `fields` (link fields
 * of `table`), into `linked`.
 */
export async function loadLinkedCells(
  db: Db,
  request: {
    baseId: string
    fields: readonly Field[]
    records: readonly MirrorRecord[]
    linked: LinkedCells
  },
): Promise<void> {
  const wanted = new Map<string, Set<string>>()
  for (const field of request.fields) {
    const tableId = field.options?.linkedTableId
    if (field.type !== 'multipleRecordLinks' || tableId === undefined) continue
    const ids = wanted.get(tableId) ?? new Set<string>()
    for (const record of request.records) {
      for (const id of linkIds(record.fields[field.id])) ids.add(id)
    }
    wanted.set(tableId, ids)
  }
  for (const [tableId, ids] of wanted) {
    if (ids.size === 0) continue
    const rows = await getRecords(db, { baseId: request.baseId, tableId, ids: [...ids] })
    request.linked.add(tableId, rows)
  }
}
