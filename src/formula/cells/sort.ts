/**
 * Airtable's record order for `sort` and view sorts (airtable-api.md §2.2): per field type —
 * numbers numerically, text case-insensitively by locale (accents count), selects by choice
 * order, checkboxes unchecked first, dates chronologically (ISO text, binary), links by their
 * primary text. Blanks sort first ascending (so last descending); descending reverses everything.
 * Ties keep the input order (the sort is stable), which callers make creation order. Keys are
 * computed once per record and sort field, not per comparison.
 *
 * One copy, used by the emulator and by the API's JS path; compile-sort.ts reproduces it in SQL.
 */
import { linkIds, personText, scalarText } from './text.ts'
import type { CellField, LinkedPrimaries } from './types.ts'

/** A sort key: undefined = blank; numbers before text before number lists. */
export type SortKey = undefined | number | string | number[]

/** Field types whose cells are numbers. */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  'number',
  'percent',
  'currency',
  'rating',
  'duration',
  'autoNumber',
  'count',
])

/** Field types whose text keys compare as binary strings (ISO timestamps). */
export const ISO_TEXT_TYPES: ReadonlySet<string> = new Set([
  'date',
  'dateTime',
  'createdTime',
  'lastModifiedTime',
])

/** The text collation: Intl's `en` at secondary strength (case-insensitive, accent-sensitive). */
export const TEXT_COLLATOR = new Intl.Collator('en', { sensitivity: 'accent' })

/** A resolved sort: the field and its direction. */
export interface ResolvedSort<F extends CellField = CellField> {
  field: F
  descending: boolean
}

/** How {@link sortByCells} reads items. */
export interface SortSource<T> {
  /** The cell of `item` for field ID `fieldId` (undefined when blank). */
  cell(item: T, fieldId: string): unknown
  /** Primary cells of linked records, for link fields. */
  links: LinkedPrimaries
}

/** Returns `items` sorted per `specs` (a new array; stable). */
export function sortByCells<T>(
  items: readonly T[],
  specs: readonly ResolvedSort[],
  source: SortSource<T>,
): T[] {
  if (specs.length === 0) return [...items]
  const keyed = items.map((item) => ({
    item,
    keys: specs.map((s) => sortKey(s.field, source.cell(item, s.field.id), source.links)),
  }))
  const binaryText = specs.map((s) => ISO_TEXT_TYPES.has(s.field.type))
  keyed.sort((a, b) => {
    for (let i = 0; i < specs.length; i++) {
      const order = compareSortKeys(a.keys[i], b.keys[i], binaryText[i] === true)
      if (order !== 0) return specs[i]?.descending === true ? -order : order
    }
    return 0
  })
  return keyed.map((k) => k.item)
}

/** The sort key of one cell of `field`. */
export function sortKey(field: CellField, cell: unknown, links: LinkedPrimaries): SortKey {
  if (cell === undefined || cell === null) return field.type === 'checkbox' ? 0 : undefined
  if (NUMERIC_TYPES.has(field.type)) return typeof cell === 'number' ? cell : undefined
  switch (field.type) {
    case 'checkbox':
      return cell === true ? 1 : 0
    case 'singleSelect':
      return choiceIndex(field, cell)
    case 'multipleSelects':
      return Array.isArray(cell) ? cell.map((c) => choiceIndex(field, c)) : undefined
    case 'multipleRecordLinks':
      return linkText(field, cell, links)
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
function valueKey(cell: unknown): SortKey {
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

/** A choice's position in the field's options; unknown choices after every known one. */
export function choiceIndex(field: CellField, name: unknown): number {
  const index = field.options?.choices?.findIndex((c) => c.name === name) ?? -1
  return index === -1 ? Number.MAX_SAFE_INTEGER : index
}

function linkText(field: CellField, cell: unknown, links: LinkedPrimaries): string {
  const tableId = field.options?.linkedTableId ?? ''
  if (links.primaryField(tableId) === undefined) return ''
  return linkIds(cell)
    .map((id) => scalarText(links.primaryCell(tableId, id)))
    .join(', ')
}

function rank(key: SortKey): number {
  return key === undefined ? 0 : typeof key === 'number' ? 1 : typeof key === 'string' ? 2 : 3
}

/** Compares two keys ascending: blanks, then numbers, then text, then number lists. */
export function compareSortKeys(a: SortKey, b: SortKey, binaryText: boolean): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') {
    if (binaryText) return a < b ? -1 : a > b ? 1 : 0
    return TEXT_COLLATOR.compare(a, b)
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
