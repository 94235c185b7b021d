/**
 * Airtable's coercions (airtable-formula.md §3–§5) as SQL over typed expressions: truthiness,
 * value → number, value → text, with the evaluator's exact rules (values.ts), mostly through the
 * `airsync_*` support functions (support.ts). Where Postgres cannot reproduce JavaScript for some
 * rows (huge numeric text, instants outside years 1000–9999) the expression carries an `unsure`
 * condition instead of a guess.
 */
import type { SqlParams } from './fragment.ts'
import { anyOf } from './fragment.ts'
import type { Expr } from './types.ts'

/** JavaScript's `String.prototype.trim` whitespace (WhiteSpace + LineTerminator), for `btrim`. */
export const JS_WHITESPACE_CHARS =
  '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'

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
      return textToNumber(e)
    case 'list': {
      // One item reads as that item's number, more as NaN (values.ts toNumber).
      const first = textToNumber({ type: 'text', sql: `(${e.sql} ->> 0)` })
      return {
        type: 'number',
        sql: `(CASE WHEN jsonb_array_length(${e.sql}) = 1 THEN ${first.sql} WHEN ${e.sql} IS NOT NULL THEN ${nan(params)} END)`,
        err: e.err,
        unsure: anyOf(e.unsure, first.unsure),
      }
    }
  }
}

function textToNumber(e: Expr): Expr {
  const t = e.sql
  const unsure = `airsync_numeric_unsure(${t})`
  return {
    type: 'number',
    sql: `airsync_to_number(${t})`,
    err: e.err,
    unsure: anyOf(e.unsure, unsure),
  }
}

/**
 * The number a text stands for when it is numeric (values.ts `numericText`), else NULL. Empty
 * and whitespace-only text are not numeric here. `unsure`: numeric text Postgres cannot cast
 * exactly (see support.ts).
 */
export function numericText(t: string): { sql: string; unsure: string } {
  return { sql: `airsync_numeric_text(${t})`, unsure: `airsync_numeric_unsure(${t})` }
}

/** A float8 as JS `String(n)` (support.ts airsync_number_text); NULL stays NULL. */
export function numberText(x: string): string {
  return `airsync_number_text(${x})`
}

/** The value as text the way `&` renders it (values.ts toText); never NULL. */
export function toText(params: SqlParams, e: Expr): Expr {
  switch (e.type) {
    case 'text':
      return { ...e, type: 'text', sql: `concat(${e.sql})` }
    case 'list':
      return { ...e, type: 'text', sql: `airsync_join(${e.sql}, ${params.text(', ')})` }
    case 'blank':
      return { ...e, type: 'text', sql: params.text('') }
    case 'bool':
      return {
        ...e,
        type: 'text',
        sql: `(CASE WHEN ${e.sql} THEN ${params.text('1')} WHEN NOT ${e.sql} THEN ${params.text('0')} ELSE ${params.text('')} END)`,
      }
    case 'number':
      return { ...e, type: 'text', sql: `COALESCE(${numberText(e.sql)}, ${params.text('')})` }
    case 'datetime':
      return datetimeText(params, e)
  }
}

/** Years JS's toISOString prints as four digits and Postgres's to_char agrees on. */
const ISO_MIN_MS = Date.UTC(1000, 0, 1)
const ISO_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

function datetimeText(params: SqlParams, e: Expr): Expr {
  const ms = e.sql
  const outside = `(${ms} < ${params.number(ISO_MIN_MS)} OR ${ms} > ${params.number(ISO_MAX_MS)} OR ${ms} <> floor(${ms}))`
  return {
    type: 'text',
    sql: `(CASE WHEN ${ms} IS NULL OR ${outside} THEN ${params.text('')} ELSE airsync_iso_text(${ms}) END)`,
    err: e.err,
    unsure: anyOf(e.unsure, `COALESCE(${outside}, false)`),
  }
}
