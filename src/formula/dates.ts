/**
 * Date plumbing shared by the date functions (airtable-formula.md §7, §9.4): one configured dayjs
 * (Airtable's date layer is moment-style; dayjs keeps moment's semantics), lenient parsing of the
 * text forms the doc examples use (always read as UTC), and the unit names.
 */
import dayjs from 'dayjs'
import advancedFormat from 'dayjs/plugin/advancedFormat.js'
import customParseFormat from 'dayjs/plugin/customParseFormat.js'
import isoWeek from 'dayjs/plugin/isoWeek.js'
import localizedFormat from 'dayjs/plugin/localizedFormat.js'
import quarterOfYear from 'dayjs/plugin/quarterOfYear.js'
import timezone from 'dayjs/plugin/timezone.js'
import utc from 'dayjs/plugin/utc.js'
import weekOfYear from 'dayjs/plugin/weekOfYear.js'
import 'dayjs/locale/de.js'
import 'dayjs/locale/es.js'
import 'dayjs/locale/fr.js'
import 'dayjs/locale/it.js'
import 'dayjs/locale/nl.js'
import 'dayjs/locale/pt.js'
import type { FormulaErrorValue, FormulaValue } from './types.ts'
import { errorValue, isDateTime, isError } from './values.ts'

dayjs.extend(utc)
dayjs.extend(timezone)
dayjs.extend(customParseFormat)
dayjs.extend(advancedFormat)
dayjs.extend(weekOfYear)
dayjs.extend(isoWeek)
dayjs.extend(quarterOfYear)
dayjs.extend(localizedFormat)

export { dayjs }

export const DAY_MS = 86_400_000

/** Unit names of DATEADD, DATETIME_DIFF, IS_SAME (§7): long, singular, short; `M` ≠ `m`. */
export type DateUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'Q' | 'y'
const UNIT_WORDS: ReadonlyMap<string, DateUnit> = new Map([
  ['millisecond', 'ms'],
  ['second', 's'],
  ['minute', 'm'],
  ['hour', 'h'],
  ['day', 'd'],
  ['week', 'w'],
  ['month', 'M'],
  ['quarter', 'Q'],
  ['year', 'y'],
])
const SHORT_UNITS = new Set<string>(['ms', 's', 'm', 'h', 'd', 'w', 'M', 'Q', 'y'])

/** A unit name → its short form, or undefined when Airtable would not know it. */
export function dateUnit(name: string): DateUnit | undefined {
  const trimmed = name.trim()
  if (SHORT_UNITS.has(trimmed)) return trimmed as DateUnit
  const lower = trimmed.toLowerCase()
  const word = UNIT_WORDS.get(lower.endsWith('s') ? lower.slice(0, -1) : lower)
  if (word !== undefined) return word
  if (lower === 'q' || lower === 'y' || lower === 'd' || lower === 'w' || lower === 'h') {
    return lower === 'q' ? 'Q' : lower
  }
  return undefined
}

/** `ms + amount × unit` on the UTC calendar; months clamp to the month's end (moment). */
export function addUnits(ms: number, amount: number, unit: DateUnit): number {
  const d = dayjs.utc(ms)
  return (unit === 'Q' ? d.add(amount, 'quarter') : d.add(amount, unit)).valueOf()
}

/** `a − b` in whole units, truncated toward zero; months and years by moment's calendar rule. */
export function diffUnits(a: number, b: number, unit: DateUnit): number {
  return dayjs.utc(a).diff(dayjs.utc(b), unit === 'Q' ? 'quarter' : unit)
}

/** True when both instants fall in the same UTC unit (weeks start on Sunday). */
export function sameUnit(a: number, b: number, unit: DateUnit): boolean {
  const d = dayjs.utc(a)
  return unit === 'Q' ? d.isSame(dayjs.utc(b), 'quarter') : d.isSame(dayjs.utc(b), unit)
}

/** dayjs.utc's runtime also takes a locale third (customParseFormat reads `arguments`). */
type UtcParse = (text: string, format: string, locale?: string) => dayjs.Dayjs

/** Parses `text` with a moment format string, in UTC, optionally with a locale's names. */
export function parseWithFormat(text: string, format: string, locale?: string): number | undefined {
  const utcParse = dayjs.utc as unknown as UtcParse
  const parsed = locale === undefined ? utcParse(text, format) : utcParse(text, format, locale)
  return parsed.isValid() ? parsed.valueOf() : undefined
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const YEAR_FIRST =
  /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i
const US =
  /^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i
const MONTH_FIRST =
  /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i
const DAY_FIRST =
  /^(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$/i
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

interface Parts {
  year: number
  month: number
  day: number
  hour?: number
  minute?: number
  second?: number
  ms?: number
  offsetMinutes?: number
}

const cache = new Map<string, number | undefined>()
const CACHE_LIMIT = 2000

/**
 * Parses the text forms Airtable's doc examples use, in UTC: ISO (`2024-03-15`,
 * `2024-03-15T18:30:00.000Z`, with an offset), year-first with slashes or dots (`2022/10/14`,
 * `2022/10/14 2:00 pm`), US month-first (`02/17/2013 7:31`, `7/10/19`; never day-first) and
 * month names (`4 Mar 2017 7:00`, `March 4, 2017`). Two-digit years follow moment (≤ 68 → 20xx).
 * Returns epoch ms, or undefined when the text is not a date. Memoised: filters compare the same
 * literal against every record.
 */
export function parseDateText(text: string): number | undefined {
  const cached = cache.get(text)
  if (cached !== undefined || cache.has(text)) return cached
  const parsed = parseUncached(text.trim())
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(text, parsed)
  return parsed
}

function parseUncached(text: string): number | undefined {
  const parts = isoParts(text) ?? yearFirstParts(text) ?? usParts(text) ?? namedParts(text)
  if (parts === undefined) return undefined
  const { year, month, day } = parts
  const hour = parts.hour ?? 0
  const minute = parts.minute ?? 0
  const second = parts.second ?? 0
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second, parts.ms ?? 0)
  return utcMs - (parts.offsetMinutes ?? 0) * 60_000
}

function isoParts(text: string): Parts | undefined {
  const m = ISO.exec(text)
  if (m === null) return undefined
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    ms: Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')),
    offsetMinutes: offsetMinutes(m[8]),
  }
}

function offsetMinutes(text: string | undefined): number {
  if (text === undefined || text.toUpperCase() === 'Z') return 0
  const sign = text.startsWith('-') ? -1 : 1
  const digits = text.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'))
}

function yearFirstParts(text: string): Parts | undefined {
  const m = YEAR_FIRST.exec(text)
  if (m === null) return undefined
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    ...timeParts(m[4], m[5], m[6], m[7]),
  }
}

function usParts(text: string): Parts | undefined {
  const m = US.exec(text)
  if (m === null) return undefined
  return {
    month: Number(m[1]),
    day: Number(m[2]),
    year: fullYear(m[3] ?? ''),
    ...timeParts(m[4], m[5], m[6], m[7]),
  }
}

function namedParts(text: string): Parts | undefined {
  const first = MONTH_FIRST.exec(text)
  const m = first ?? DAY_FIRST.exec(text)
  if (m === null) return undefined
  const monthName = (first === null ? m[2] : m[1]) ?? ''
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase()) + 1
  if (month === 0) return undefined
  const day = Number(first === null ? m[1] : m[2])
  return { year: Number(m[3]), month, day, ...timeParts(m[4], m[5], m[6], m[7]) }
}

function timeParts(
  ...[hour, minute, second, meridiem]: (string | undefined)[]
): Pick<Parts, 'hour' | 'minute' | 'second'> {
  let h = Number(hour ?? 0)
  const pm = meridiem?.toLowerCase() === 'pm'
  if (meridiem !== undefined) {
    if (h < 1 || h > 12)
      h = 99 // invalid: rejected by the range check
    else h = (h % 12) + (pm ? 12 : 0)
  }
  return { hour: h, minute: Number(minute ?? 0), second: Number(second ?? 0) }
}

function fullYear(text: string): number {
  const n = Number(text)
  if (text.length === 4) return n
  return n <= 68 ? 2000 + n : 1900 + n
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/**
 * A formula value as a datetime's epoch ms for the date functions: datetimes as they are, text
 * parsed (UTC), one-item arrays by their item. Blank, numbers and unparseable text are errors: a
 * date function over an empty date field shows `#ERROR!` in Airtable [comm].
 */
export function toDateMs(value: FormulaValue): number | FormulaErrorValue {
  if (isDateTime(value)) return value.ms
  if (isError(value)) return value
  if (typeof value === 'string') {
    const ms = parseDateText(value)
    return ms === undefined ? errorValue(`Not a date: ${JSON.stringify(value)}`) : ms
  }
  if (Array.isArray(value)) {
    const items = value as readonly FormulaValue[]
    if (items.length === 1) return toDateMs(items[0] ?? null)
  }
  return errorValue('Not a date')
}
