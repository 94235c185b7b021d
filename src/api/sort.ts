/**
 * Airtable's record order for `sort` (airtable-api.md §2.2), the same as the emulator's
 * (src/emulator/state/sort.ts — kept in step by the side-by-side airtable.js tests): numbers
 * numerically, text case-insensitively by locale, selects by choice order, checkboxes unchecked
 * first, dates chronologically, links by their primary text. Blanks sort first ascending (last
 * descending). Ties keep the input order (the sort is stable), which the caller makes creation
 * order. Keys are computed once per record and sort field.
 *
 * The JS path; the SQL compiler's sort keys must agree with it.
 */
import type { Field } from '../protocol/index.ts'
import type { MirrorRecord } from '../store/index.ts'
import { linkIds, type LinkedCells } from './links.ts'

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

/** A sort resolved to a field of the table. */
export interface ResolvedSort {
  field: Field
  descending: boolean
}

/** Returns `records` sorted per `specs` (a new array; stable). */
export function sortRecords(
  records: readonly MirrorRecord[],
  specs: readonly ResolvedSort[],
  linked: LinkedCells,
): MirrorRecord[] {
  if (specs.length === 0) return [...records]
  const keyed = records.map((record) => ({
    record,
    keys: specs.map((s) => sortKey(s.field, record.fields[s.field.id], linked)),
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

function sortKey(field: Field, cell: unknown, linked: LinkedCells): Key {
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
      return linkText(field, cell, linked)
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

function linkText(field: Field, cell: unknown, linked: LinkedCells): string {
  const tableId = field.options?.linkedTableId ?? ''
  if (linked.primaryOf(tableId) === undefined) return ''
  return linkIds(cell)
    .map((id) => scalarText(linked.primaryCell(tableId, id)))
    .join(', ')
}

/** Text of a scalar; JSON for anything else; '' for nullish. */
export function scalarText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
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
