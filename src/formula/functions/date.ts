/**
 * Date and time functions (airtable-formula.md §7, §9.4). All arithmetic and parts read the UTC
 * calendar; SET_TIMEZONE and SET_LOCALE only tag the value for a following DATETIME_FORMAT.
 */
import {
  DAY_MS,
  addUnits,
  dateUnit,
  dayjs,
  diffUnits,
  parseDateText,
  parseWithFormat,
  sameUnit,
  toDateMs,
  type DateUnit,
} from '../dates.ts'
import type { FormulaDateTime, FormulaValue } from '../types.ts'
import { dateTime, isDateTime } from '../values.ts'
import { fail, num, text } from './args.ts'
import {
  addWorkdays,
  dayNumber,
  holidayDays,
  weekOfYear,
  weekdayOf,
  workdaysBetween,
} from './calendar.ts'
import { eager, type FormulaFunction } from './registry.ts'

/** Airtable's default DATETIME_FORMAT output is ISO 8601: `Z` in UTC, the offset in a zone. */
const DEFAULT_FORMAT = 'YYYY-MM-DDTHH:mm:ss.SSSZ'
const DEFAULT_UTC_FORMAT = 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'

function dateArg(value: FormulaValue | undefined): number {
  const ms = toDateMs(value ?? null)
  if (typeof ms !== 'number') return fail(ms.message)
  return ms
}

function unitArg(value: FormulaValue | undefined, fallback: DateUnit): DateUnit {
  if (value === undefined || value === null) return fallback
  const unit = dateUnit(text(value))
  return unit ?? fail(`unknown unit ${JSON.stringify(value)}`)
}

function utcPart(read: (date: Date) => number): (args: readonly FormulaValue[]) => number {
  return (args) => read(new Date(dateArg(args[0])))
}

/** moment tokens dayjs does not format: day of year (DDD, DDDD) and ISO weekday (E). */
const DAYJS_GAPS = /\[[^\]]*\]|DDDD|DDD|E/g

function formatDate(value: FormulaValue | undefined, format: string): string {
  const ms = dateArg(value)
  const tagged: Partial<FormulaDateTime> = isDateTime(value ?? null)
    ? (value as FormulaDateTime)
    : {}
  let d = dayjs.utc(ms)
  if (tagged.timeZone !== undefined) {
    try {
      d = d.tz(tagged.timeZone)
    } catch {
      return fail(`unknown time zone ${JSON.stringify(tagged.timeZone)}`)
    }
  }
  if (tagged.locale !== undefined) d = d.locale(tagged.locale.toLowerCase())
  const local = d
  const filled = format.replace(DAYJS_GAPS, (token) => {
    if (token.startsWith('[')) return token
    if (token === 'E') return `[${local.day() === 0 ? 7 : local.day()}]`
    const yearStart = local.startOf('year')
    const dayOfYear = Math.round(local.startOf('day').diff(yearStart, 'day', true)) + 1
    return `[${token === 'DDDD' ? String(dayOfYear).padStart(3, '0') : dayOfYear}]`
  })
  return d.format(filled)
}

function parseDate(args: readonly FormulaValue[]): FormulaValue {
  const [input, format, locale] = args
  if (isDateTime(input ?? null)) return input ?? null
  const raw = text(input)
  if (format === undefined || format === null || format === '') {
    const ms = parseDateText(raw)
    return ms === undefined ? fail(`cannot parse ${JSON.stringify(raw)}`) : dateTime(ms)
  }
  const localeName =
    locale === undefined || locale === null ? undefined : text(locale).toLowerCase()
  const ms = parseWithFormat(raw, text(format), localeName)
  return ms === undefined ? fail(`cannot parse ${JSON.stringify(raw)}`) : dateTime(ms)
}

function weekStart(value: FormulaValue | undefined): 0 | 1 {
  if (value === undefined || value === null) return 0
  const name = text(value).trim().toLowerCase()
  if (name === 'monday') return 1
  if (name === 'sunday' || name === '') return 0
  return fail(`unknown week start ${JSON.stringify(name)}`)
}

function diff(args: readonly FormulaValue[]): number {
  const a = dateArg(args[0])
  const b = dateArg(args[1])
  const unit = unitArg(args[2], 's')
  return unit === 'ms' ? a - b : diffUnits(a, b, unit)
}

function isSame(args: readonly FormulaValue[]): boolean {
  const a = dateArg(args[0])
  const b = dateArg(args[1])
  if (args[2] === undefined || args[2] === null) return a === b
  return sameUnit(a, b, unitArg(args[2], 'ms'))
}

function tagged(args: readonly FormulaValue[], key: 'timeZone' | 'locale'): FormulaDateTime {
  const base = args[0] ?? null
  const ms = dateArg(base)
  const previous: FormulaDateTime = isDateTime(base) ? base : dateTime(ms)
  return { ...previous, [key]: text(args[1]) }
}

export const DATE_FUNCTIONS: readonly FormulaFunction[] = [
  eager('TODAY', [0, 0], (_, context) => dateTime(dayNumber(context.nowMs) * DAY_MS)),
  eager('NOW', [0, 0], (_, context) => dateTime(context.nowMs)),
  eager('DATEADD', [3, 3], (args) => {
    const ms = dateArg(args[0])
    const amount = num(args[1])
    const unit = unitArg(args[2], 'd')
    if (!Number.isFinite(amount)) return fail('DATEADD amount is not a number')
    const result = unit === 'ms' ? ms + Math.round(amount) : addUnits(ms, amount, unit)
    return Number.isFinite(result) ? dateTime(result) : fail('date out of range')
  }),
  eager('DATETIME_DIFF', [2, 3], diff),
  eager('DATETIME_FORMAT', [1, 2], (args) => {
    const zoned = isDateTime(args[0] ?? null) && (args[0] as FormulaDateTime).timeZone !== undefined
    const fallback = zoned ? DEFAULT_FORMAT : DEFAULT_UTC_FORMAT
    return formatDate(args[0], args[1] === undefined || args[1] === null ? fallback : text(args[1]))
  }),
  eager('DATETIME_PARSE', [1, 3], parseDate),
  eager('DATESTR', [1, 1], (args) => dayjs.utc(dateArg(args[0])).format('YYYY-MM-DD')),
  eager('TIMESTR', [1, 1], (args) => dayjs.utc(dateArg(args[0])).format('HH:mm:ss')),
  eager(
    'YEAR',
    [1, 1],
    utcPart((d) => d.getUTCFullYear()),
  ),
  eager(
    'MONTH',
    [1, 1],
    utcPart((d) => d.getUTCMonth() + 1),
  ),
  eager(
    'DAY',
    [1, 1],
    utcPart((d) => d.getUTCDate()),
  ),
  eager(
    'HOUR',
    [1, 1],
    utcPart((d) => d.getUTCHours()),
  ),
  eager(
    'MINUTE',
    [1, 1],
    utcPart((d) => d.getUTCMinutes()),
  ),
  eager(
    'SECOND',
    [1, 1],
    utcPart((d) => d.getUTCSeconds()),
  ),
  eager('WEEKDAY', [1, 2], (args) => {
    const weekday = weekdayOf(dayNumber(dateArg(args[0])))
    return weekStart(args[1]) === 1 ? (weekday + 6) % 7 : weekday
  }),
  eager('WEEKNUM', [1, 2], (args) => weekOfYear(dateArg(args[0]), weekStart(args[1]))),
  eager('WORKDAY', [2, 3], (args) => {
    const start = dayNumber(dateArg(args[0]))
    const day = addWorkdays(start, Math.trunc(num(args[1])), holidayDays(args[2]))
    return dateTime(day * DAY_MS)
  }),
  eager('WORKDAY_DIFF', [2, 3], (args) =>
    workdaysBetween(dayNumber(dateArg(args[0])), dayNumber(dateArg(args[1])), holidayDays(args[2])),
  ),
  eager('IS_SAME', [2, 3], isSame),
  eager('IS_AFTER', [2, 2], (args) => dateArg(args[0]) > dateArg(args[1])),
  eager('IS_BEFORE', [2, 2], (args) => dateArg(args[0]) < dateArg(args[1])),
  eager('SET_TIMEZONE', [2, 2], (args) => tagged(args, 'timeZone')),
  eager('SET_LOCALE', [2, 2], (args) => tagged(args, 'locale')),
  // Whole days between now and the date, either direction (§9.4; sign undocumented [?]).
  eager('TONOW', [1, 1], (args, context) =>
    Math.trunc(Math.abs(context.nowMs - dateArg(args[0])) / DAY_MS),
  ),
  eager('FROMNOW', [1, 1], (args, context) =>
    Math.trunc(Math.abs(context.nowMs - dateArg(args[0])) / DAY_MS),
  ),
]
