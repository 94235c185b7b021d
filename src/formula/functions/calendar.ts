/**
 * Calendar arithmetic the date functions need and dayjs lacks: moment's week-of-year rule (for
 * WEEKNUM) and Monday-to-Friday working days with holidays (WORKDAY, WORKDAY_DIFF). Days are
 * counted as whole UTC days since the epoch ("day numbers").
 */
import { DAY_MS, parseDateText } from '../dates.ts'
import type { FormulaValue } from '../types.ts'
import { flatten, isDateTime, isError } from '../values.ts'
import { fail } from './args.ts'

/** Weekday of a day number, Sunday = 0 (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7
}

/** The UTC day number of an instant. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS)
}

function dayOfYearNumber(year: number, month: number, date: number): number {
  return dayNumber(Date.UTC(year, month, date))
}

/** moment's firstWeekOffset: where week 1 starts relative to Jan 1 (can be negative). */
function firstWeekOffset(year: number, dow: number, doy: number): number {
  const fwd = 7 + dow - doy
  const fwdWeekday = (7 + weekdayOf(dayOfYearNumber(year, 0, fwd)) - dow) % 7
  return -fwdWeekday + fwd - 1
}

function weeksInYear(year: number, dow: number, doy: number): number {
  const daysInYear = dayOfYearNumber(year + 1, 0, 1) - dayOfYearNumber(year, 0, 1)
  return (daysInYear - firstWeekOffset(year, dow, doy) + firstWeekOffset(year + 1, dow, doy)) / 7
}

/**
 * moment's week(): weeks start on `dow` (0 Sunday, 1 Monday) and week 1 is the week holding
 * Jan 1, so the last days of December can be week 1 of the next year (`en` locale rules).
 */
export function weekOfYear(ms: number, dow: 0 | 1): number {
  const date = new Date(ms)
  const year = date.getUTCFullYear()
  const doy = 6 + dow
  const dayOfYear = dayNumber(ms) - dayOfYearNumber(year, 0, 1) + 1
  const week = Math.floor((dayOfYear - firstWeekOffset(year, dow, doy) - 1) / 7) + 1
  if (week < 1) return week + weeksInYear(year - 1, dow, doy)
  const weeks = weeksInYear(year, dow, doy)
  return week > weeks ? week - weeks : week
}

/** Holidays as day numbers: comma-separated ISO dates in text, or dates in an array. */
export function holidayDays(value: FormulaValue | undefined): Set<number> {
  const days = new Set<number>()
  if (value === undefined || value === null) return days
  const items = typeof value === 'string' ? value.split(',') : flatten(value)
  for (const item of items) {
    if (isError(item)) fail(item.message)
    if (isDateTime(item)) days.add(dayNumber(item.ms))
    else if (typeof item === 'string' && item.trim() !== '') {
      const ms = parseDateText(item.trim())
      if (ms === undefined) fail(`holiday is not a date: ${JSON.stringify(item)}`)
      days.add(dayNumber(ms))
    }
  }
  return days
}

const NO_HOLIDAYS: ReadonlySet<number> = new Set()

/** Most working days WORKDAY walks: beyond it the formula errors instead of spinning. */
const MAX_WORKDAYS = 100_000

function isWorkday(day: number, holidays: ReadonlySet<number>): boolean {
  const weekday = weekdayOf(day)
  return weekday !== 0 && weekday !== 6 && !holidays.has(day)
}

/** The day `count` working days after (before, when negative) `start`. */
export function addWorkdays(start: number, count: number, holidays: ReadonlySet<number>): number {
  if (!Number.isFinite(count) || Math.abs(count) > MAX_WORKDAYS) fail('too many working days')
  const step = count < 0 ? -1 : 1
  let day = start
  for (let remaining = Math.abs(count); remaining > 0;) {
    day += step
    if (isWorkday(day, holidays)) remaining--
  }
  return day
}

/** Working days from `start` to `end`, both ends counted (NETWORKDAYS); negative if reversed. */
export function workdaysBetween(start: number, end: number, holidays: ReadonlySet<number>): number {
  const from = Math.min(start, end)
  const to = Math.max(start, end)
  const total = to - from + 1
  let count = Math.floor(total / 7) * 5
  for (let day = from + Math.floor(total / 7) * 7; day <= to; day++) {
    if (isWorkday(day, NO_HOLIDAYS)) count++
  }
  for (const holiday of holidays) {
    if (holiday >= from && holiday <= to && isWorkday(holiday, NO_HOLIDAYS)) count--
  }
  return start <= end ? count : -count
}
