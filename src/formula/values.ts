/**
 * The value rules every operator and function shares (airtable-formula.md §3-§6): error values,
 * truthiness, coercion to text and number, equality and ordering with Airtable's blank rules.
 * Pure functions over FormulaValue; nothing here throws.
 */
import type { FormulaDateTime, FormulaErrorValue, FormulaValue } from './types.ts'

/** The generic `#ERROR!`; `message` is for logs and tests, Airtable shows only `#ERROR!`. */
export function errorValue(message: string): FormulaErrorValue {
  return { kind: 'error', message }
}

/** True for an error value. */
export function isError(value: FormulaValue): value is FormulaErrorValue {
  return isObject(value) && value.kind === 'error'
}

/** True for a datetime value. */
export function isDateTime(value: FormulaValue): value is FormulaDateTime {
  return isObject(value) && value.kind === 'datetime'
}

function isObject(value: FormulaValue): value is FormulaDateTime | FormulaErrorValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A datetime value at `ms`. */
export function dateTime(ms: number): FormulaDateTime {
  return { kind: 'datetime', ms }
}

/**
 * Filter truthiness (§5): excluded are 0, false, blank, `""`, NaN, `[]` and errors; everything
 * else (non-zero numbers, non-empty text including `"0"` and `" "`, datetimes, non-empty arrays)
 * is included.
 */
export function isTruthy(value: FormulaValue): boolean {
  if (value === null) return false
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value)
  if (typeof value === 'string') return value !== ''
  if (typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.length > 0
  return isDateTime(value)
}

/**
 * A value as text, the way `&` renders it: numbers like JS (`3.5`, `12`), blank `""`, datetimes
 * ISO with milliseconds, booleans `1`/`0` (§3 [?]), arrays joined with `", "`, errors `#ERROR!`.
 */
export function toText(value: FormulaValue): string {
  if (value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (Array.isArray(value)) return (value as readonly FormulaValue[]).map(toText).join(', ')
  if (isDateTime(value)) return isoText(value.ms)
  return '#ERROR!'
}

/** `2024-03-15T00:00:00.000Z`; an out-of-range instant renders as `#ERROR!`. */
export function isoText(ms: number): string {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? '#ERROR!' : date.toISOString()
}

const NUMERIC_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** The number a numeric-looking text stands for, or undefined. `""` is not numeric. */
export function numericText(text: string): number | undefined {
  return NUMERIC_TEXT.test(text) ? Number(text) : undefined
}

/**
 * A value as a number for arithmetic (§3): blank 0, TRUE 1/FALSE 0, numeric text its number,
 * empty text 0, other text NaN, datetimes their epoch ms, one-element arrays their element, empty
 * arrays 0. Errors pass through.
 */
export function toNumber(value: FormulaValue): number | FormulaErrorValue {
  if (value === null) return 0
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string') return value.trim() === '' ? 0 : (numericText(value) ?? NaN)
  if (Array.isArray(value)) {
    const items = value as readonly FormulaValue[]
    if (items.length === 0) return 0
    return items.length === 1 ? toNumber(items[0] ?? null) : NaN
  }
  if (isDateTime(value)) return value.ms
  return isError(value) ? value : NaN
}

/** Flattens nested arrays (lookups of lookups) into one list; a scalar becomes a one-item list. */
export function flatten(value: FormulaValue): FormulaValue[] {
  if (!Array.isArray(value)) return [value]
  const out: FormulaValue[] = []
  for (const item of value as readonly FormulaValue[]) {
    if (Array.isArray(item)) out.push(...flatten(item))
    else out.push(item)
  }
  return out
}

/** The first error among values (arrays searched one level deep), if any. */
export function firstError(values: readonly FormulaValue[]): FormulaErrorValue | undefined {
  for (const value of values) if (isError(value)) return value
  return undefined
}

/** Blank-like for `=`: blank, `""` and an empty array. */
function isBlankLike(value: FormulaValue): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0)
}

/** Zero-like for `=` against a blank: 0 and FALSE (§4: `BLANK() = 0`, `{Num} = ""` for 0). */
function isZeroLike(value: FormulaValue): boolean {
  return value === 0 || value === false
}

/**
 * `=` (§4, §6): a blank equals `""`, 0, FALSE and another blank; numbers and booleans compare
 * numerically; text exactly (case-sensitive, untrimmed); datetimes by instant; a datetime against
 * text compares its ISO text, so `{Date} = '2024-03-15'` is false as in Airtable [real]; arrays
 * compare their joined text. Returns an error value when either side is one.
 */
export function equals(a: FormulaValue, b: FormulaValue): boolean | FormulaErrorValue {
  if (isError(a)) return a
  if (isError(b)) return b
  if (isBlankLike(a)) return isBlankLike(b) || isZeroLike(b)
  if (isBlankLike(b)) return isZeroLike(a)
  const x = scalar(a)
  const y = scalar(b)
  if (isDateTime(x) && isDateTime(y)) return x.ms === y.ms
  if (isDateTime(x) && typeof y === 'number') return x.ms === y
  if (isDateTime(y) && typeof x === 'number') return y.ms === x
  if (isNumeric(x) && isNumeric(y)) return Number(x) === Number(y)
  if (isNumeric(x) && typeof y === 'string') return numberEqualsText(Number(x), y)
  if (isNumeric(y) && typeof x === 'string') return numberEqualsText(Number(y), x)
  return toText(x) === toText(y)
}

function numberEqualsText(n: number, text: string): boolean {
  const parsed = numericText(text)
  return parsed === undefined ? toText(n) === text : parsed === n
}

function isNumeric(value: FormulaValue): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean'
}

/** Arrays compare as their joined text; everything else as itself. */
function scalar(value: FormulaValue): FormulaValue {
  return Array.isArray(value) ? toText(value) : value
}

/**
 * Ordering for `< > <= >=`: negative, zero or positive, or NaN when unordered (NaN operands), or
 * an error value. Blank is 0 against numbers and `""` against text (§4); text against text by
 * UTF-16 code units; text against a number numerically when the text is numeric, else as text;
 * datetime against text parses the text with `parseDate` when it can (range tests §6 [real]).
 */
export function compare(
  a: FormulaValue,
  b: FormulaValue,
  parseDate: (text: string) => number | undefined,
): number | FormulaErrorValue {
  if (isError(a)) return a
  if (isError(b)) return b
  const x = scalar(a)
  const y = scalar(b)
  if (isDateTime(x) || isDateTime(y)) return compareDates(x, y, parseDate)
  if (typeof x === 'string' && typeof y === 'string') return compareText(x, y)
  if (typeof x === 'string') return compareMixed(x, y, 1)
  if (typeof y === 'string') return compareMixed(y, x, -1)
  return Number(x ?? 0) - Number(y ?? 0)
}

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0
}

/** Text `text` against a number/boolean/blank `other`; `sign` flips when text was on the right. */
function compareMixed(text: string, other: FormulaValue, sign: 1 | -1): number {
  if (other === null) return sign * compareText(text, '')
  const n = text.trim() === '' ? 0 : numericText(text)
  const m = Number(other)
  if (n !== undefined) return sign * (n - m)
  return sign * compareText(text, toText(other))
}

function compareDates(
  x: FormulaValue,
  y: FormulaValue,
  parseDate: (text: string) => number | undefined,
): number {
  const xm = dateOrdinal(x, parseDate)
  const ym = dateOrdinal(y, parseDate)
  if (xm !== undefined && ym !== undefined) return xm - ym
  return compareText(toText(x), toText(y))
}

function dateOrdinal(
  value: FormulaValue,
  parseDate: (text: string) => number | undefined,
): number | undefined {
  if (isDateTime(value)) return value.ms
  if (typeof value === 'string') return parseDate(value)
  if (value === null) return 0
  if (typeof value === 'number' || typeof value === 'boolean') return Number(value)
  return undefined
}
