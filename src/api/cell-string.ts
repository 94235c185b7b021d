/**
 * `cellFormat=string` (airtable-api.md §2.2): cells as the user-facing text Airtable shows, in
 * the request's `timeZone` and `userLocale`. Airtable says this format is not stable, so clients
 * must not parse it; the shapes are the emulator's (src/emulator/state/render-string.ts), so the
 * side-by-side tests agree: `9/5/2022 7:00am`, `$1,234.50`, `50%`, `checked`, names joined with
 * `, `, links as their primary text (from the mirror, via {@link LinkedCells}).
 * An independent copy on purpose: the API must not import the emulator (STYLE.md).
 */
import type { Field, FieldOptions } from '../protocol/index.ts'
import { linkIds, type LinkedCells } from './links.ts'
import { scalarText } from './sort.ts'

/** The zone and locale of one request. */
export interface StringFormat {
  timeZone: string
  locale: string
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** The text of one non-empty cell. */
export function cellToString(
  linked: LinkedCells,
  target: { field: Field; cell: unknown },
  format: StringFormat,
): string {
  const { field, cell } = target
  return valueToString(linked, { type: field.type, options: field.options, cell, format })
}

function valueToString(
  linked: LinkedCells,
  v: { type: string; options: FieldOptions | undefined; cell: unknown; format: StringFormat },
): string {
  const { type, options, cell, format } = v
  const special = specialText(cell)
  if (special !== undefined) return special
  switch (type) {
    case 'number':
    case 'rating':
      return typeof cell === 'number'
        ? formatNumber(cell, { precision: options?.precision, locale: format.locale })
        : String(cell)
    case 'currency':
      return typeof cell === 'number'
        ? `${options?.symbol ?? '$'}${formatNumber(cell, { precision: options?.precision ?? 2, locale: format.locale, grouping: true })}`
        : String(cell)
    case 'percent':
      return typeof cell === 'number'
        ? `${formatNumber(cell * 100, { precision: options?.precision, locale: format.locale })}%`
        : String(cell)
    case 'duration':
      return typeof cell === 'number' ? formatDuration(cell) : String(cell)
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
      return linkText(linked, options?.linkedTableId, cell)
    case 'singleCollaborator':
    case 'createdBy':
    case 'lastModifiedBy':
      return personName(cell)
    case 'multipleCollaborators':
      return Array.isArray(cell) ? cell.map(personName).join(', ') : ''
    case 'multipleAttachments':
      return Array.isArray(cell) ? cell.map(attachmentText).join(', ') : ''
    case 'barcode':
    case 'button':
      return plain(cell)
    case 'multipleLookupValues':
    case 'rollup':
    case 'formula': {
      const result = options?.result
      const inner = result && result.type !== type ? result : undefined
      const render = (item: unknown): string =>
        inner
          ? valueToString(linked, { type: inner.type, options: inner.options, cell: item, format })
          : plain(item)
      return Array.isArray(cell) ? cell.map(render).join(', ') : render(cell)
    }
    default:
      return plain(cell)
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

/** Formats an ISO date/dateTime with the field's moment-style date and time formats. */
function formatDate(
  iso: string,
  d: { options: FieldOptions | undefined; format: StringFormat; withTime: boolean; utc: boolean },
): string {
  const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00.000Z` : iso)
  if (!Number.isFinite(ms)) return iso
  // A field zone of 'client' (or none) means the viewer's zone: the request's `timeZone`.
  const fieldZone = d.options?.timeZone
  const wanted = d.utc
    ? 'UTC'
    : fieldZone === undefined || fieldZone === 'client'
      ? d.format.timeZone
      : fieldZone
  const effectiveZone = wanted === 'utc' || !isValidTimeZone(wanted) ? 'UTC' : wanted
  const local = new Date(ms + (effectiveZone === 'UTC' ? 0 : zoneOffsetMs(ms, effectiveZone)))
  const dateFormat = d.options?.dateFormat?.format ?? 'l'
  const date = applyTokens(
    dateFormat === 'l'
      ? localeDatePattern(d.format.locale)
      : dateFormat === 'LL'
        ? 'MMMM D, YYYY'
        : dateFormat,
    local,
  )
  if (!d.withTime) return date
  return `${date} ${applyTokens(d.options?.timeFormat?.format ?? 'h:mma', local)}`
}

/** The numeric date order of a locale, as a pattern (`M/D/YYYY` for en-US). */
function localeDatePattern(locale: string): string {
  try {
    const parts = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      timeZone: 'UTC',
    }).formatToParts(0)
    return parts
      .map((p) =>
        p.type === 'year' ? 'YYYY' : p.type === 'month' ? 'M' : p.type === 'day' ? 'D' : p.value,
      )
      .join('')
  } catch {
    return 'M/D/YYYY'
  }
}

/** Moment tokens over a Date whose UTC fields are the wall clock. */
function applyTokens(pattern: string, wall: Date): string {
  const h = wall.getUTCHours()
  const pad = (n: number): string => String(n).padStart(2, '0')
  const tokens: Record<string, () => string> = {
    YYYY: () => String(wall.getUTCFullYear()),
    MMMM: () => MONTHS[wall.getUTCMonth()] ?? '',
    MMM: () => (MONTHS[wall.getUTCMonth()] ?? '').slice(0, 3),
    MM: () => pad(wall.getUTCMonth() + 1),
    M: () => String(wall.getUTCMonth() + 1),
    DD: () => pad(wall.getUTCDate()),
    D: () => String(wall.getUTCDate()),
    HH: () => pad(h),
    H: () => String(h),
    hh: () => pad(h % 12 || 12),
    h: () => String(h % 12 || 12),
    mm: () => pad(wall.getUTCMinutes()),
    ss: () => pad(wall.getUTCSeconds()),
    a: () => (h < 12 ? 'am' : 'pm'),
    A: () => (h < 12 ? 'AM' : 'PM'),
  }
  return pattern.replace(
    /YYYY|MMMM|MMM|MM|M|DD|D|HH|H|hh|h|mm|ss|a|A/g,
    (token) => tokens[token]?.() ?? token,
  )
}

function linkText(linked: LinkedCells, linkedTableId: string | undefined, cell: unknown): string {
  const found = linked.primaryOf(linkedTableId ?? '')
  if (!found) return ''
  return linkIds(cell)
    .map((id) => {
      const value = linked.primaryCell(found.table.id, id)
      return value === undefined
        ? ''
        : cellToString(
            linked,
            { field: found.primary, cell: value },
            { timeZone: 'UTC', locale: 'en-us' },
          )
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

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** Milliseconds the zone is ahead of UTC at instant `ms` (e.g. +3_600_000 for CET in winter). */
function zoneOffsetMs(ms: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    offsetFormatters.set(timeZone, format)
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = Number(part.value)
  const asUtc = Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  )
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000))
}

/** True when `timeZone` is an IANA zone Intl knows. */
function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}
