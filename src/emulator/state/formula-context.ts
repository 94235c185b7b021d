/**
 * The glue between stored records and the formula engine: a FormulaRecord view of a record, the
 * CellContext that turns links into primary-field text, and per-field memoised parses (a formula
 * is parsed and checked once per field, or once per list call, never per record).
 */
import type { Field } from '../../protocol/index.ts'
import type { CellContext, FormulaRecord, FormulaValue, Node } from '../../formula/index.ts'
import { cellToFormulaValue, checkFormula, toText } from '../../formula/index.ts'
import type { Model } from './model.ts'
import type { TableState } from './table-state.ts'
import type { StoredRecord } from './types.ts'

/** How deep link → primary text may recurse (a primary that is itself a link is unusual). */
const MAX_LINK_DEPTH = 3

/** The CellContext of a model: links render as their records' primary-field text. */
export function cellContextOf(model: Model, depth = 0): CellContext {
  return {
    linkedPrimaryText(linkedTableId: string, recordId: string): string {
      if (depth >= MAX_LINK_DEPTH) return recordId
      const table = model.tableById(linkedTableId)
      const record = table?.records.get(recordId)
      if (!table || !record) return ''
      const primary = table.primaryField
      return toText(
        cellToFormulaValue(primary, record.cells[primary.id], cellContextOf(model, depth + 1)),
      )
    },
  }
}

/** A FormulaRecord over a stored record; field values are converted on demand. */
export class RecordForFormula implements FormulaRecord {
  readonly #table: TableState
  readonly #record: StoredRecord
  readonly #cells: CellContext
  constructor(table: TableState, record: StoredRecord, cells: CellContext) {
    this.#table = table
    this.#record = record
    this.#cells = cells
  }

  get id(): string {
    return this.#record.id
  }

  get createdTimeMs(): number {
    return Date.parse(this.#record.createdTime)
  }

  field(nameOrId: string): FormulaValue {
    const field = this.#table.field(nameOrId)
    if (!field) return null
    return cellToFormulaValue(field, this.#record.cells[field.id], this.#cells)
  }

  lastModifiedTimeMs(fieldNamesOrIds?: readonly string[]): number | null {
    return lastModifiedMs(this.#table, this.#record, fieldNamesOrIds)
  }
}

/**
 * The last edit time of a record: of the listed fields, or of any editable field. Undefined
 * stamps are skipped; null when none was ever edited.
 */
export function lastModifiedMs(
  table: TableState,
  record: StoredRecord,
  fieldNamesOrIds?: readonly string[],
): number | null {
  let latest: number | null = null
  const consider = (field: Field | undefined): void => {
    const at = field ? record.modifiedAtByFieldId[field.id] : undefined
    if (at !== undefined && (latest === null || at > latest)) latest = at
  }
  if (fieldNamesOrIds && fieldNamesOrIds.length > 0) {
    for (const ref of fieldNamesOrIds) consider(table.field(ref))
  } else {
    for (const field of table.fields) if (!COMPUTED.has(field.type)) consider(field)
  }
  return latest
}

const COMPUTED = new Set([
  'autoNumber',
  'count',
  'createdTime',
  'lastModifiedTime',
  'createdBy',
  'lastModifiedBy',
  'formula',
  'rollup',
  'multipleLookupValues',
  'button',
])

/** The checked AST of a table-level formula (formula field text), memoised per field and text. */
export function fieldFormula(table: TableState, field: Field, text: string): Node {
  const cached = table.formulaCache.get(field.id)
  if (cached?.text === text) return cached.node
  const node = checkFormula(text, { hasField: (name) => table.field(name) !== undefined })
  table.formulaCache.set(field.id, { text, node })
  return node
}

/** The checked AST of a rollup aggregation, where the only field is `values`; memoised. */
export function rollupFormula(table: TableState, field: Field, text: string): Node {
  const key = `${field.id}:rollup`
  const cached = table.formulaCache.get(key)
  if (cached?.text === text) return cached.node
  const node = checkFormula(text, { hasField: (name) => name === 'values' })
  table.formulaCache.set(key, { text, node })
  return node
}

/** The field IDs a formula AST references (for `options.referencedFieldIds`). */
export function referencedFieldIds(table: TableState, node: Node): string[] {
  const ids = new Set<string>()
  const walk = (n: Node): void => {
    switch (n.kind) {
      case 'field': {
        const field = table.field(n.name)
        if (field) ids.add(field.id)
        return
      }
      case 'call':
        n.args.forEach(walk)
        return
      case 'unary':
        walk(n.operand)
        return
      case 'binary':
        walk(n.left)
        walk(n.right)
        return
      case 'number':
      case 'string':
      case 'boolean':
        return
    }
  }
  walk(node)
  return [...ids]
}

/**
 * The formula text with every field reference rewritten as `{fldID}`, as Airtable stores it
 * (airtable-api.md §6), so renaming a field never breaks a formula. Uses the AST spans.
 */
export function formulaWithFieldIds(table: TableState, text: string, node: Node): string {
  const refs: Array<{ start: number; end: number; id: string }> = []
  const walk = (n: Node): void => {
    if (n.kind === 'field') {
      const field = table.field(n.name)
      if (field) refs.push({ start: n.span.start, end: n.span.end, id: field.id })
    } else if (n.kind === 'call') n.args.forEach(walk)
    else if (n.kind === 'unary') walk(n.operand)
    else if (n.kind === 'binary') {
      walk(n.left)
      walk(n.right)
    }
  }
  walk(node)
  let result = text
  for (const ref of refs.sort((a, b) => b.start - a.start)) {
    result = `${result.slice(0, ref.start)}{${ref.id}}${result.slice(ref.end)}`
  }
  return result
}
