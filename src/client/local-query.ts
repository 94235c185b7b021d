/**
 * Local re-checks of a cached list (loaded on demand with `import()`, so the formula evaluator is
 * not in the SDK's first bundle): does a record belong to the list (its filterByFormula and its
 * view's filter, evaluated with src/formula), and in which order (the shared Airtable sort
 * comparator of src/formula/cells).
 *
 * The SDK has no schema, so field types are read off the JSON cells (boolean → checkbox, number
 * → number, text, lists). Consequences, accepted: select options sort by name, not by choice
 * order; a link reads as its record ID, not the linked primary text. Whenever a verdict is not
 * certain (a formula that fails to parse, or evaluates to an error) `matches` answers undefined
 * and the cache revalidates from the server instead.
 */
import {
  cellToFormulaValue,
  evaluate,
  isFormulaErrorValue,
  isTruthy,
  parseFormula,
  sortByCells,
  type CellField,
  type FormulaRecord,
  type Node,
} from '../formula/index.ts'
import type { AirtableRecord } from '../protocol/index.ts'

/** What a list holds, as the server decides it. */
export interface LocalQuerySpec {
  /** Formulas that must all be truthy (the list's filterByFormula, its view's filter). */
  filters: readonly string[]
  /** The effective sort (the list's, else its view's); empty keeps the current order. */
  sort: readonly { field: string; direction?: 'asc' | 'desc' | undefined }[]
  /** Now, for NOW()/TODAY(). */
  nowMs: () => number
}

/** A compiled list definition. */
export interface LocalQuery {
  /** Whether `record` belongs; undefined when it cannot be decided here. */
  matches(record: AirtableRecord): boolean | undefined
  /** `records` in the list's order; undefined when the order cannot be decided here. */
  sort(records: readonly AirtableRecord[]): AirtableRecord[] | undefined
  /** True when the list has its own order (a sort). */
  readonly sorted: boolean
}

const NO_LINKS = { primaryField: () => undefined, primaryCell: () => undefined }
const LINK_TEXT = { linkedPrimaryText: (_table: string, id: string) => id }

/** The field type a JSON cell suggests (see the module header). */
function typeOf(cell: unknown, forSort: boolean): string {
  if (typeof cell === 'boolean') return 'checkbox'
  if (typeof cell === 'number') return 'number'
  if (Array.isArray(cell)) {
    if (forSort) return 'multipleLookupValues'
    const first: unknown = cell[0]
    if (typeof first === 'object' && first !== null) {
      return 'filename' in first ? 'multipleAttachments' : 'multipleCollaborators'
    }
    return 'multipleSelects'
  }
  if (typeof cell === 'object' && cell !== null) return 'singleCollaborator'
  return 'singleLineText'
}

function formulaRecord(record: AirtableRecord): FormulaRecord {
  const created = Date.parse(record.createdTime)
  return {
    id: record.id,
    createdTimeMs: Number.isNaN(created) ? 0 : created,
    field(name) {
      const cell = record.fields[name]
      return cellToFormulaValue({ type: typeOf(cell, false) }, cell, LINK_TEXT)
    },
    lastModifiedTimeMs: () => null,
  }
}

/** Compiles a list definition; undefined when a formula does not parse. */
export function createLocalQuery(spec: LocalQuerySpec): LocalQuery | undefined {
  let filters: Node[]
  try {
    filters = spec.filters.filter((f) => f.trim() !== '').map((f) => parseFormula(f))
  } catch {
    return undefined
  }
  return {
    sorted: spec.sort.length > 0,
    matches(record) {
      const context = { record: formulaRecord(record), nowMs: spec.nowMs() }
      for (const filter of filters) {
        const value = evaluate(filter, context)
        if (isFormulaErrorValue(value)) return undefined
        if (!isTruthy(value)) return false
      }
      return true
    },
    sort(records) {
      if (spec.sort.length === 0) return [...records]
      const specs = spec.sort.map((s) => {
        const sample = records.find((r) => r.fields[s.field] !== undefined)?.fields[s.field]
        const field: CellField = { id: s.field, type: typeOf(sample, true) }
        return { field, descending: s.direction === 'desc' }
      })
      return sortByCells(records, specs, {
        cell: (record, name) => record.fields[name],
        links: NO_LINKS,
      })
    },
  }
}
