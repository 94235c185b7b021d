/**
 * Airtable's coercions (airtable-formula.md §3–§5) as SQL over typed expressions: truthiness,
 * value → number, value → text, with the evaluator's exact rules (values.ts). Where Postgres
 * cannot reproduce JavaScript for some rows (number text in exponent form, huge numeric text,
 * code-unit subtleties) the expression carries an `unsure` condition instead of a guess.
 */
import type { SqlParams } from './fragment.ts'
import { anyOf } from './fragment.ts'
import { unsupported, type Expr } from './types.ts'

/** JavaScript's `String.prototype.trim` whitespace (WhiteSpace + LineTerminator), as a class body. */
export const JS_WHITESPACE =
  '\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
/** The same characters listed out, for `btrim`. */
export const JS_WHITESPACE_CHARS =
  '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'

const WS = `[${JS_WHITESPACE}]*`
/** values.ts NUMERIC_TEXT in Postgres ARE syntax (ASCII digits, JS whitespace). */
const JS_NUMERIC = `^${WS}[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?${WS}$`
/** Numeric text Postgres casts to exactly JS's number, without overflow; group 1 is the number. */
const SAFE_NUMERIC = `^${WS}([+-]?(?:[0-9]{1,200}(?:\\.[0-9]{0,200})?|\\.[0-9]{1,200})(?:[eE][+-]?[0-9]{1,2})?)${WS}$`
const ALL_WHITESPACE = `^${WS}$`
/** Characters outside the BMP: one code point in Postgres, two code units in JavaScript. */
export const ASTRAL = '[\\U00010000-\\U0010FFFF]'
/** Characters whose UTF-16 order differs from code point order against astral ones. */
export const HIGH_BMP = '[\\uE000-\\uFFFF]'

/** SQL NaN as float8. */
export function nan(params: SqlParams): string {
  return params.number(NaN)
}

/** True when the float8 `x` is not NaN (Postgres NaN equals itself and sorts above all). */
export function notNaN(params: SqlParams, x: string): string {
  return `${x} <> ${nan(params)}`
}

/** Filter truthiness (§5) of an expression, ignoring its error flag: a non-null boolean. */
export function truthy(params: SqlParams, e: Expr): string {
  switch (e.type) {
    case 'number':
      return `COALESCE(${e.sql} <> 0 AND ${notNaN(params, e.sql)}, false)`
    case 'text':
      return `(char_length(concat(${e.sql})) > 0)`
    case 'bool':
      return `COALESCE(${e.sql}, false)`
    case 'datetime':
    case 'list':
      return `(${e.sql} IS NOT NULL)`
    case 'blank':
      return 'false'
  }
}

/**
 * The value as float8 for arithmetic (values.ts toNumber); NULL stays NULL (blank, which
 * arithmetic reads as 0). Text parses like JS `numericText` (whitespace-only is 0, other text NaN).
 */
export function toNumber(params: SqlParams, e: Expr): Expr {
  switch (e.type) {
    case 'number':
    case 'datetime':
      return { ...e, type: 'number' }
    case 'bool':
      return {
        ...e,
        type: 'number',
        sql: `(CASE WHEN ${e.sql} THEN 1 WHEN NOT ${e.sql} THEN 0 END)::float8`,
      }
    case 'blank':
      return { ...e, type: 'number', sql: 'NULL::float8' }
    case 'text':
      return textToNumber(params, e)
    case 'list':
      return unsupported('a multi-select as a number')
  }
}

function textToNumber(params: SqlParams, e: Expr): Expr {
  const t = e.sql
  const safe = params.text(SAFE_NUMERIC)
  const sql = `(CASE WHEN ${t} IS NULL THEN NULL::float8 WHEN ${t} ~ ${params.text(ALL_WHITESPACE)} THEN 0::float8 WHEN ${t} ~ ${safe} THEN substring(${t} from ${safe})::float8 ELSE ${nan(params)} END)`
  const unsure = `(${t} ~ ${params.text(JS_NUMERIC)} AND NOT ${t} ~ ${safe})`
  return { type: 'number', sql, err: e.err, unsure: anyOf(e.unsure, unsure) }
}

/**
 * The number a text stands for when it is numeric (values.ts `numericText`), else NULL. Empty
 * and whitespace-only text are not numeric here.
 */
export function numericText(params: SqlParams, t: string): { sql: string; unsure: string } {
  const safe = params.text(SAFE_NUMERIC)
  return {
    sql: `(CASE WHEN ${t} ~ ${safe} THEN substring(${t} from ${safe})::float8 END)`,
    unsure: `(${t} ~ ${params.text(JS_NUMERIC)} AND NOT ${t} ~ ${safe})`,
  }
}

/**
 * A non-null float8 as JS `String(n)`: Postgres prints the same shortest digits, but switches to
 * exponent form at 1e15 and 1e-5 where JS waits until 1e21 and 1e-7; those rows are unsure.
 */
export function numberText(params: SqlParams, x: string): { sql: string; unsure: string } {
  return {
    sql: `(CASE WHEN ${x} = 0 THEN ${params.text('0')} ELSE (${x})::text END)`,
    unsure: `(strpos((${x})::text, ${params.text('e')}) > 0)`,
  }
}

/** The value as text the way `&` renders it (values.ts toText); never NULL. */
export function toText(params: SqlParams, e: Expr): Expr {
  switch (e.type) {
    case 'text':
    case 'list':
      return { ...e, type: 'text', sql: `concat(${e.sql})` }
    case 'blank':
      return { ...e, type: 'text', sql: params.text('') }
    case 'bool':
      return {
        ...e,
        type: 'text',
        sql: `(CASE WHEN ${e.sql} THEN ${params.text('1')} WHEN NOT ${e.sql} THEN ${params.text('0')} ELSE ${params.text('')} END)`,
      }
    case 'number': {
      const formatted = numberText(params, e.sql)
      return {
        type: 'text',
        sql: `COALESCE(${formatted.sql}, ${params.text('')})`,
        err: e.err,
        unsure: anyOf(e.unsure, `COALESCE(${formatted.unsure}, false)`),
      }
    }
    case 'datetime':
      return datetimeText(params, e)
  }
}

/** Years JS's toISOString prints as four digits and Postgres's to_char agrees on. */
const ISO_MIN_MS = Date.UTC(1000, 0, 1)
const ISO_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

function datetimeText(params: SqlParams, e: Expr): Expr {
  const ms = e.sql
  const format = params.text('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  const instant = `(to_timestamp(floor(${ms}) / 1000) AT TIME ZONE ${params.text('UTC')})`
  const outside = `(${ms} < ${params.number(ISO_MIN_MS)} OR ${ms} > ${params.number(ISO_MAX_MS)} OR ${ms} <> floor(${ms}))`
  return {
    type: 'text',
    sql: `(CASE WHEN ${ms} IS NULL THEN ${params.text('')} WHEN ${outside} THEN ${params.text('')} ELSE to_char(${instant}, ${format}) END)`,
    err: e.err,
    unsure: anyOf(e.unsure, `COALESCE(${outside}, false)`),
  }
}
