/**
 * `cellFormat=string` (airtable-api.md §2.2): cells as the user-facing text Airtable shows, in
 * the request's `timeZone` and `userLocale`. Airtable says this format is not stable, so clients
 * must not parse it; we aim for the common shapes: `9/5/2022 7:00am`, `$1,234.50`, `50%`,
 * `checked`, names joined with `, `, links as their primary text. One copy, used by the emulator
 * and by the API (over the mirror), so the side-by-side tests agree by construction.
 */
import { formatDate, type StringFormat } from './format-date.ts'
import { linkIds, scalarText } from './text.ts'
import type { CellField, CellFieldOptions, LinkedPrimaries } from './types.ts'

export type { StringFormat } from './format-date.ts'

/** Linked primary cells render in UTC, en-us (as the emulator always did). */
const LINK_FORMAT: StringFormat = { timeZone: 'UTC', locale: 'en-us' }

/** The text of one non-empty cell; links read their primary cells from `links`. */
export function cellToString(
  links: LinkedPrimaries,
  target: { field: CellField; cell: unknown },
  format: StringFormat,
): string {
  const { field, cell } = target
  return valueToString(links, { type: field.type, options: field.options, cell, format })
}

interface Value {
  type: string
  options: CellFieldOptions | undefined
  cell: unknown
  format: StringFormat
}

function valueToString(links: LinkedPrimaries, v: Value): string {
  const { type, options, cell, format } = v
  const special = specialText(cell)
  if (special !== undefined) return special
  switch (type) {
    case 'number':
    case 'rating':
    case 'currency':
    case 'percent':
    case 'duration':
      return typeof cell === 'number'
        ? numberText(type, options, { value: cell, format })
        : String(cell)
    case 'checkbox':
      return cell === true ? 'checked' : ''
    case 'date':
      return typeof cell === 'string'
        ? formatDate(cell, { options, format, withTime: false, utc: true })
        : String(cell)
    case 'dateTime':
    case 'createdTime':
    case 'lastModifiedTime': {
      const result =
        type === 'dateTime' ? { type, options } : (options?.result ?? { type: 'dateTime' })
      const withTime = result.type !== 'date'
      return typeof cell === 'string'
        ? formatDate(cell, { options: result.options ?? options, format, withTime, utc: !withTime })
        : String(cell)
    }
    case 'multipleRecordLinks':
      return linkText(links, options?.linkedTableId, cell)
    case 'singleCollaborator':
    case 'createdBy':
    case 'lastModifiedBy':
      return personName(cell)
    case 'multipleCollaborators':
      return Array.isArray(cell) ? cell.map(personName).join(', ') : ''
    case 'multipleAttachments':
      return Array.isArray(cell) ? cell.map(attachmentText).join(', ') : ''
    case 'multipleLookupValues':
    case 'rollup':
    case 'formula':
      return computedText(links, v)
    default:
      return plain(cell)
  }
}

/** Formula, rollup and lookup cells: each item in the result type, joined with `, `. */
function computedText(links: LinkedPrimaries, v: Value): string {
  const result = v.options?.result
  const inner = result && result.type !== v.type ? result : undefined
  const render = (item: unknown): string =>
    inner
      ? valueToString(links, {
          type: inner.type,
          options: inner.options,
          cell: item,
          format: v.format,
        })
      : plain(item)
  return Array.isArray(v.cell) ? v.cell.map(render).join(', ') : render(v.cell)
}

function numberText(
  type: string,
  options: CellFieldOptions | undefined,
  n: { value: number; format: StringFormat },
): string {
  const { value, format } = n
  switch (type) {
    case 'currency':
      return `${options?.symbol ?? '$'}${formatNumber(value, { precision: options?.precision ?? 2, locale: format.locale, grouping: true })}`
    case 'percent':
      return `${formatNumber(value * 100, { precision: options?.precision, locale: format.locale })}%`
    case 'duration':
      return formatDuration(value)
    default:
      return formatNumber(value, { precision: options?.precision, locale: format.locale })
  }
}

/** `{error:'#ERROR!'}` → `#ERROR!`, `{specialValue:'NaN'}` → `NaN`; undefined otherwise. */
function specialText(cell: unknown): string | undefined {
  if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) return undefined
  const record = cell as Record<string, unknown>
  const text = record['error'] ?? record['specialValue']
  return typeof text === 'string' ? text : undefined
}

function plain(value: unknown): string {
  if (Array.isArray(value)) return value.map(plain).join(', ')
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    const text =
      record['error'] ??
      record['specialValue'] ??
      record['name'] ??
      record['text'] ??
      record['label']
    return typeof text === 'string' ? text : JSON.stringify(value)
  }
  return value === true ? 'checked' : String(value)
}

function formatNumber(
  value: number,
  f: { precision: number | undefined; locale: string; grouping?: boolean },
): string {
  try {
    return new Intl.NumberFormat(f.locale, {
      minimumFractionDigits: f.precision ?? 0,
      maximumFractionDigits: f.precision ?? 8,
      useGrouping: f.grouping === true,
    }).format(value)
  } catch {
    return String(value)
  }
}

function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : ''
  const total = Math.round(Math.abs(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  return `${sign}${h}:${String(m).padStart(2, '0')}`
}

function linkText(
  links: LinkedPrimaries,
  linkedTableId: string | undefined,
  cell: unknown,
): string {
  const tableId = linkedTableId ?? ''
  const primary = links.primaryField(tableId)
  if (primary === undefined) return ''
  return linkIds(cell)
    .map((id) => {
      const value = links.primaryCell(tableId, id)
      return value === undefined
        ? ''
        : cellToString(links, { field: primary, cell: value }, LINK_FORMAT)
    })
    .join(', ')
}

function personName(cell: unknown): string {
  if (typeof cell !== 'object' || cell === null) return ''
  const person = cell as Record<string, unknown>
  const name = person['name'] ?? person['email'] ?? person['id']
  return typeof name === 'string' ? name : ''
}

function attachmentText(cell: unknown): string {
  if (typeof cell !== 'object' || cell === null) return ''
  const file = cell as Record<string, unknown>
  return `${scalarText(file['filename'])} (${scalarText(file['url'])})`
}
