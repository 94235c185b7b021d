/**
 * Airtable's record order for `sort` and view sorts (airtable-api.md §2.2): per field type —
 * numbers numerically, text case-insensitively by locale, selects by choice order, checkboxes
 * unchecked first, dates chronologically, links by their primary text. Blanks sort first
 * ascending (so last descending). Ties keep creation order (the sort is stable).
 * Keys are computed once per record and sort field, not per comparison.
 */
import type { Field, SortSpec } from '../../protocol/index.ts'
import { linkIds, scalarText } from './cells/equal.ts'
import type { Model } from './model.ts'
import type { TableState } from './table-state.ts'
import type { StoredRecord } from './types.ts'

/** A sort key: undefined = blank; numbers before text before number lists. */
type Key = undefined | number | string | number[]

const NUMERIC = new Set([
  'number',
  'percent',
  'currency',
  'rating',
  'duration',
  'autoNumber',
  'count',
])
const ISO_TEXT = new Set(['date', 'dateTime', 'createdTime', 'lastModifiedTime'])
const collator = new Intl.Collator('en', { sensitivity: 'accent' })

/** A resolved sort: the field, its direction, and how text keys compare. */
export interface ResolvedSort {
  field: Field
  descending: boolean
}

/** Sorts `records` in place per `specs` (already resolved to fields). */
export function sortRecords(
  model: Model,
  records: StoredRecord[],
  specs: readonly ResolvedSort[],
): StoredRecord[] {
  if (specs.length === 0) return records
  const keyed = records.map((record) => ({
    record,
    keys: specs.map((s) => sortKey(model, s.field, record.cells[s.field.id])),
  }))
  const binaryText = specs.map((s) => ISO_TEXT.has(s.field.type))
  keyed.sort((a, b) => {
    for (let i = 0; i < specs.length; i++) {
      const order = compareKeys(a.keys[i], b.keys[i], binaryText[i] === true)
      if (order !== 0) return specs[i]?.descending === true ? -order : order
    }
    return 0
  })
  return keyed.map((k) => k.record)
}

/** Turns spec field names/IDs into fields; undefined for the first unknown one. */
export function resolveSort(
  table: TableState,
  specs: readonly SortSpec[],
): ResolvedSort[] | { unknown: string } {
  const result: ResolvedSort[] = []
  for (const spec of specs) {
    const field = table.field(spec.field)
    if (!field) return { unknown: spec.field }
    result.push({ field, descending: spec.direction === 'desc' })
  }
  return result
}

function sortKey(model: Model, field: Field, cell: unknown): Key {
  if (cell === undefined || cell === null) return field.type === 'checkbox' ? 0 : undefined
  if (NUMERIC.has(field.type)) return typeof cell === 'number' ? cell : undefined
  switch (field.type) {
    case 'checkbox':
      return cell === true ? 1 : 0
    case 'singleSelect':
      return choiceIndex(field, cell)
    case 'multipleSelects':
      return Array.isArray(cell) ? cell.map((c) => choiceIndex(field, c)) : undefined
    case 'multipleRecordLinks':
      return linkText(model, field, cell)
    case 'singleCollaborator':
      return personText(cell)
    case 'multipleCollaborators':
    case 'multipleAttachments':
      return Array.isArray(cell) ? cell.map((c) => personText(c) ?? '').join(', ') : undefined
    default:
      return valueKey(cell)
  }
}

/** Keys of values whose type is known only at run time (formula, rollup, lookup, text). */
function valueKey(cell: unknown): Key {
  if (typeof cell === 'number') return cell
  if (typeof cell === 'string') return cell
  if (typeof cell === 'boolean') return cell ? 1 : 0
  if (Array.isArray(cell)) {
    if (cell.length > 0 && cell.every((v) => typeof v === 'number')) return cell[0]
    return cell
      .map((v) => (typeof v === 'object' && v !== null ? (personText(v) ?? '') : String(v)))
      .join(', ')
  }
  return undefined // error values and special values sort with the blanks
}

function choiceIndex(field: Field, name: unknown): number {
  const index = field.options?.choices?.findIndex((c) => c.name === name) ?? -1
  return index === -1 ? Number.MAX_SAFE_INTEGER : index
}

function linkText(model: Model, field: Field, cell: unknown): string {
  const linked = model.tableById(field.options?.linkedTableId ?? '')
  if (!linked) return ''
  const primary = linked.primaryField
  return linkIds(cell)
    .map((id) => {
      const value = linked.records.get(id)?.cells[primary.id]
      return scalarText(value)
    })
    .join(', ')
}

function personText(cell: unknown): string | undefined {
  if (typeof cell !== 'object' || cell === null) return undefined
  const record = cell as Record<string, unknown>
  const text = record['name'] ?? record['filename'] ?? record['email'] ?? record['id']
  return typeof text === 'string' ? text : undefined
}

function rank(key: Key): number {
  return key === undefined ? 0 : typeof key === 'number' ? 1 : typeof key === 'string' ? 2 : 3
}

function compareKeys(a: Key, b: Key, binaryText: boolean): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') {
    if (binaryText) return a < b ? -1 : a > b ? 1 : 0
    return collator.compare(a, b)
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0)
      if (d !== 0) return d
    }
    return a.length - b.length
  }
  return 0
}
