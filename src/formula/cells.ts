/**
 * REST (V1) cell values ↔ formula values (airtable-formula.md §3, airtable-api.md cell shapes).
 * Cells come from our own store or from Airtable, so each shape is checked before use; a cell
 * that does not have its type's shape reads as blank rather than failing a whole filter.
 */
import type { CellContext, FormulaField, FormulaFieldResult, FormulaValue } from './types.ts'
import { dateTime, errorValue, isDateTime, isError, isoText } from './values.ts'

type Converter = (cell: unknown, field: FormulaField, context: CellContext) => FormulaValue

const asText: Converter = (cell) => (typeof cell === 'string' ? cell : null)
const asNumber: Converter = (cell) => (typeof cell === 'number' ? cell : null)
const asDateTime: Converter = (cell) => {
  if (typeof cell !== 'string') return null
  const ms = Date.parse(cell)
  return Number.isNaN(ms) ? null : dateTime(ms)
}
/** A date-only cell (`2024-03-15`) is midnight UTC of that day (§3 [comm]). */
const asDate: Converter = (cell) => {
  if (typeof cell !== 'string') return null
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(cell) ? `${cell}T00:00:00.000Z` : cell)
  return Number.isNaN(ms) ? null : dateTime(ms)
}
const asCollaborator: Converter = (cell) => collaboratorName(cell)
const asStrings =
  (read: (item: unknown) => string | null): Converter =>
  (cell) => {
    if (!Array.isArray(cell)) return null
    const names = cell.map(read).filter((name): name is string => name !== null)
    return names.length === 0 ? null : names
  }

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined
}

function collaboratorName(cell: unknown): string | null {
  const name = property(cell, 'name') ?? property(cell, 'email')
  return typeof name === 'string' ? name : null
}

/** Links read as the linked records' primary text, never their ids (§3 [real]). */
const asLinks: Converter = (cell, field, context) => {
  const tableId = field.options?.linkedTableId ?? ''
  return asStrings((item) => {
    const id = typeof item === 'string' ? item : property(item, 'id')
    return typeof id === 'string' ? context.linkedPrimaryText(tableId, id) : null
  })(cell, field, context)
}

/** Computed cells (formula, rollup): the shapes formulaValueToCell writes. */
const asComputed: Converter = (cell, field, context) => {
  const result = field.options?.result
  return computedValue(cell, result, context)
}

function computedValue(
  cell: unknown,
  result: FormulaFieldResult | undefined,
  context: CellContext,
): FormulaValue {
  if (cell === undefined || cell === null) return null
  if (property(cell, 'error') !== undefined) return errorValue(String(property(cell, 'error')))
  const special = property(cell, 'specialValue')
  if (special === 'NaN') return NaN
  if (special === 'Infinity') return Infinity
  if (special === '-Infinity') return -Infinity
  if (Array.isArray(cell)) {
    return cell.map((item: unknown) => computedValue(item, result, context))
  }
  if (result !== undefined && result.type !== 'formula' && result.type !== 'rollup') {
    const convert = CONVERTERS.get(result.type)
    const converted = convert === undefined ? null : convert(cell, result, context)
    // A result type that does not fit the cell (a stale schema) must not hide the value.
    if (converted !== null) return converted
  }
  if (typeof cell === 'number' || typeof cell === 'string' || typeof cell === 'boolean') return cell
  return null
}

/** Lookups: an array of the looked-up field's values, each read by that field's type. */
const asLookup: Converter = (cell, field, context) => {
  const result = field.options?.result
  if (cell === undefined || cell === null) return null
  const items: readonly unknown[] = Array.isArray(cell) ? cell : [cell]
  return items.map((item) => computedValue(item, result, context))
}

const CONVERTERS: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ['singleLineText', asText],
  ['multilineText', asText],
  ['richText', asText],
  ['email', asText],
  ['url', asText],
  ['phoneNumber', asText],
  ['singleSelect', asText],
  // Numbers; percent cells are already the fraction (50 % is 0.5), duration is seconds.
  ['number', asNumber],
  ['percent', asNumber],
  ['currency', asNumber],
  ['rating', asNumber],
  ['duration', asNumber],
  ['autoNumber', asNumber],
  ['count', asNumber],
  // Unchecked is blank: the API omits false (§3 [doc][real]).
  ['checkbox', (cell) => (cell === true ? true : null)],
  ['multipleSelects', asStrings((item) => (typeof item === 'string' ? item : null))],
  ['singleCollaborator', asCollaborator],
  ['createdBy', asCollaborator],
  ['lastModifiedBy', asCollaborator],
  ['multipleCollaborators', asStrings(collaboratorName)],
  ['multipleRecordLinks', asLinks],
  ['date', asDate],
  ['dateTime', asDateTime],
  ['createdTime', asDateTime],
  ['lastModifiedTime', asDateTime],
  ['formula', asComputed],
  ['rollup', asComputed],
  ['multipleLookupValues', asLookup],
  // File names stand in for attachments (§3 [?]).
  ['multipleAttachments', asStrings((item) => stringProperty(item, 'filename'))],
  ['barcode', (cell) => stringProperty(cell, 'text')],
  ['button', (cell) => stringProperty(cell, 'label')],
])

function stringProperty(value: unknown, key: string): string | null {
  const found = property(value, key)
  return typeof found === 'string' ? found : null
}

/**
 * A REST (V1) cell value of `field` as a formula sees it (§3): checkbox → true or blank, date →
 * datetime at UTC midnight, links → primary texts, percent → the fraction. Unknown field types
 * pass text, numbers and booleans through and read anything else as blank.
 */
export function cellToFormulaValue(
  field: FormulaField,
  cell: unknown,
  context: CellContext,
): FormulaValue {
  if (cell === undefined || cell === null) return null
  const convert = CONVERTERS.get(field.type)
  if (convert !== undefined) return convert(cell, field, context)
  return typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean'
    ? cell
    : null
}

/**
 * A formula result as a REST (V1) cell of a formula/rollup field: numbers, strings, `true`,
 * arrays; errors as `{error:'#ERROR!'}`, NaN as `{specialValue:'NaN'}`; blank, false, `''` and
 * `[]` → undefined (omitted, as Airtable omits empty cells); datetimes as ISO text.
 */
export function formulaValueToCell(value: FormulaValue): unknown {
  if (value === null || value === false || value === '') return undefined
  if (Array.isArray(value)) {
    const items = value as readonly FormulaValue[]
    return items.length === 0 ? undefined : items.map(itemToCell)
  }
  return itemToCell(value)
}

/** One value inside or outside an array; inside arrays blanks stay as null to keep positions. */
function itemToCell(value: FormulaValue): unknown {
  if (value === null) return null
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { specialValue: 'NaN' }
    if (!Number.isFinite(value)) return { specialValue: value > 0 ? 'Infinity' : '-Infinity' }
    return value
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return (value as readonly FormulaValue[]).map(itemToCell)
  if (isDateTime(value)) return isoText(value.ms)
  if (isError(value)) return { error: '#ERROR!' }
  return null
}
