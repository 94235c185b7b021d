/**
 * Which records a list request returns and in which order (airtable-api.md §2.2): the view's
 * records (its own filter formula), AND `filterByFormula`, ordered by `sort` if given, else by the
 * view's sort, else creation order. Formulas are parsed and checked once per call.
 * Paging, `maxRecords` and iterators belong to the HTTP layer.
 */
import type { Node } from '../../formula/index.ts'
import { checkFormula, evaluate, FormulaError, isTruthy } from '../../formula/index.ts'
import { invalidFilter, unknownField, viewNotFound } from './errors.ts'
import { cellContextOf, RecordForFormula } from './formula-context.ts'
import type { Model } from './model.ts'
import { resolveSort, sortRecords } from './sort.ts'
import type { TableState } from './table-state.ts'
import type { RecordQuery, StoredRecord } from './types.ts'

/** Parses and checks a filter formula against the table, as Airtable does before evaluating. */
export function compileFilter(table: TableState, text: string): Node {
  try {
    return checkFormula(text, { hasField: (name) => table.field(name) !== undefined })
  } catch (error) {
    if (error instanceof FormulaError) throw invalidFilter(error.message)
    throw error
  }
}

/** All matching records in order; see the module header. */
export function listRecords(model: Model, table: TableState, query: RecordQuery): StoredRecord[] {
  const view = query.view === undefined || query.view === '' ? undefined : table.view(query.view)
  if (query.view !== undefined && query.view !== '' && !view) throw viewNotFound(query.view)
  const filters: Node[] = []
  if (view?.filterByFormula) filters.push(compileFilter(table, view.filterByFormula))
  if (query.filterByFormula !== undefined && query.filterByFormula.trim() !== '') {
    filters.push(compileFilter(table, query.filterByFormula))
  }
  const specs = query.sort !== undefined && query.sort.length > 0 ? query.sort : (view?.sort ?? [])
  const sort = resolveSort(table, specs)
  // The real error type for an unknown sort field is undocumented [?]; UNKNOWN_FIELD_NAME is our pick.
  if ('unknown' in sort) throw unknownField(sort.unknown)
  let records = [...table.records.values()]
  if (filters.length > 0) {
    const cells = cellContextOf(model)
    const nowMs = model.clock.now()
    records = records.filter((record) => {
      const formulaRecord = new RecordForFormula(table, record, cells)
      return filters.every((node) => isTruthy(evaluate(node, { record: formulaRecord, nowMs })))
    })
  }
  return sortRecords(model, records, sort)
}
