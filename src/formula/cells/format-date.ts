/**
 * Dates and date-times as Airtable's `cellFormat=string` shows them: the field's moment-style
 * date format (`l` = the locale's numeric date, `LL` = `MMMM D, YYYY`, or explicit tokens) and
 * time format (default `h:mma`), in the field's zone, or the request's when the field says
 * `client` (or nothing). Date-only cells are days, shown without a zone shift.
 */
import type { CellFieldOptions } from './types.ts'
import { isValidTimeZone, zoneOffsetMs } from './zones.ts'

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

/** How to format one cell. `utc`: show the instant in UTC (date-only cells). */
export interface DateStyle {
  options: CellFieldOptions | undefined
  format: StringFormat
  withTime: boolean
  utc: boolean
}

/** Formats an ISO date/dateTime with the field's moment-style date and time formats. */
export function formatDate(iso: string, d: DateStyle): string {
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
