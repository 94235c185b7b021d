/**
 * Binary operators as SQL (airtable-formula.md §4, §6; values.ts equals/compare): arithmetic in
 * float8 (JavaScript's doubles), `&` over toText, `=` with Airtable's blank rules, and ordering
 * by type. Division by zero is an error flag, never an SQL exception; NaN is never equal or
 * ordered (Postgres would call NaN = NaN true).
 */
import type { BinaryOperator } from '../ast.ts'
import { parseDateText } from '../dates.ts'
import { anyOf, quoteIdent, type SqlParams } from './fragment.ts'
import {
  ASTRAL,
  HIGH_BMP,
  nan,
  notNaN,
  numericText,
  numberText,
  toNumber,
  toText,
} from './coerce.ts'
import { unsupported, type Expr } from './types.ts'

/** Compiles `left op right`. */
export function binaryExpr(
  params: SqlParams,
  op: BinaryOperator,
  [left, right]: readonly [Expr, Expr],
): Expr {
  switch (op) {
    case '+':
    case '-':
    case '*':
      return arithmetic(params, op, [left, right])
    case '/':
      return divide(params, left, right)
    case '&': {
      const a = toText(params, left)
      const b = toText(params, right)
      return {
        type: 'text',
        sql: `(${a.sql} || ${b.sql})`,
        err: anyOf(a.err, b.err),
        unsure: anyOf(a.unsure, b.unsure),
      }
    }
    case '=':
      return equalsExpr(params, left, right)
    case '!=': {
      const same = equalsExpr(params, left, right)
      return { ...same, sql: `(NOT ${same.sql})` }
    }
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compareExpr(params, op, [left, right])
  }
}

function zeroed(e: Expr): string {
  return `COALESCE(${e.sql}, 0)`
}

function arithmetic(
  params: SqlParams,
  op: '+' | '-' | '*',
  [left, right]: readonly [Expr, Expr],
): Expr {
  const a = toNumber(params, left)
  const b = toNumber(params, right)
  return {
    type: 'number',
    sql: `(${zeroed(a)} ${op} ${zeroed(b)})`,
    err: anyOf(a.err, b.err),
    unsure: anyOf(a.unsure, b.unsure),
  }
}

/** x/0 is an error unless x is 0 or NaN (then NaN), as in evaluate.ts. */
function divide(params: SqlParams, left: Expr, right: Expr): Expr {
  const a = toNumber(params, left)
  const b = toNumber(params, right)
  const x = zeroed(a)
  const y = zeroed(b)
  return {
    type: 'number',
    sql: `(CASE WHEN ${y} = 0 THEN ${nan(params)} ELSE ${x} / ${y} END)`,
    err: anyOf(a.err, b.err, `(${y} = 0 AND ${x} <> 0 AND ${notNaN(params, x)})`),
    unsure: anyOf(a.unsure, b.unsure),
  }
}

/** Unary minus: blank reads as 0. */
export function negateExpr(params: SqlParams, operand: Expr): Expr {
  const a = toNumber(params, operand)
  return { ...a, sql: `(- ${zeroed(a)})` }
}

type Kind = 'numeric' | 'text' | 'datetime' | 'blank'

function kindOf(e: Expr): Kind {
  switch (e.type) {
    case 'number':
    case 'bool':
      return 'numeric'
    case 'text':
    case 'list':
      return 'text'
    case 'datetime':
      return 'datetime'
    case 'blank':
      return 'blank'
  }
}

function flags(...es: Expr[]): Pick<Expr, 'err' | 'unsure'> {
  return { err: anyOf(...es.map((e) => e.err)), unsure: anyOf(...es.map((e) => e.unsure)) }
}

/** A list as its joined text: lists hold non-empty strings, so blank exactly when the list is. */
function listAsText(params: SqlParams, e: Expr): Expr {
  return e.type === 'list' ? toText(params, e) : e
}

/** `=` (values.ts equals) as a non-null boolean. */
function equalsExpr(params: SqlParams, leftIn: Expr, rightIn: Expr): Expr {
  const left = listAsText(params, leftIn)
  const right = listAsText(params, rightIn)
  const bool = (sql: string, extraUnsure?: string): Expr => {
    const f = flags(left, right)
    return {
      type: 'bool',
      sql: `COALESCE(${sql}, false)`,
      err: f.err,
      unsure: anyOf(f.unsure, extraUnsure),
    }
  }
  const kl = kindOf(left)
  const kr = kindOf(right)
  if (kl === 'blank' || kr === 'blank') {
    const other = kl === 'blank' ? right : left
    return bool(`NOT (${truthyForBlankEquality(params, other)})`)
  }
  if (kl === 'text' && kr === 'text') return bool(`concat(${left.sql}) = concat(${right.sql})`)
  if (kl === 'numeric' && kr === 'numeric') {
    const a = zeroed(toNumber(params, left))
    const b = zeroed(toNumber(params, right))
    return bool(`(${a} = ${b} AND ${notNaN(params, a)})`)
  }
  if (kl === 'numeric' && kr === 'text') return numberEqualsText(params, left, right)
  if (kl === 'text' && kr === 'numeric') return numberEqualsText(params, right, left)
  if (kl === 'datetime' && kr === 'datetime')
    return bool(`(${left.sql} = ${right.sql} OR (${left.sql} IS NULL AND ${right.sql} IS NULL))`)
  return unsupported('= between a datetime and another type')
}

/** A value that is not blank-like and not zero-like: what `= BLANK()` is false for. */
function truthyForBlankEquality(params: SqlParams, e: Expr): string {
  switch (e.type) {
    case 'number':
      // NaN is neither blank nor 0, so `NaN = BLANK()` is false.
      return `COALESCE(${e.sql} <> 0, false)`
    case 'bool':
      return `COALESCE(${e.sql}, false)`
    case 'text':
    case 'list':
      return `(char_length(concat(${e.sql})) > 0)`
    case 'datetime':
      return `(${e.sql} IS NOT NULL)`
    case 'blank':
      return 'false'
  }
  void params
}

/** number/bool `n` = text `t`: blanks per §4, numeric text by value, other text by n's text. */
function numberEqualsText(params: SqlParams, numeric: Expr, textual: Expr): Expr {
  const n = toNumber(params, numeric)
  const t = textual.sql
  const parsed = numericText(t)
  const formatted = numberText(n.sql)
  const isBlankText = `(char_length(concat(${t})) = 0)`
  const sql = `(CASE
    WHEN ${n.sql} IS NULL THEN ${isBlankText}
    WHEN ${isBlankText} THEN ${n.sql} = 0
    WHEN ${parsed.sql} IS NOT NULL THEN ${parsed.sql} = ${n.sql} AND ${notNaN(params, n.sql)}
    ELSE ${formatted} = ${t} END)`
  const unsure = `(${n.sql} IS NOT NULL AND NOT ${isBlankText} AND ${parsed.unsure})`
  const f = flags(numeric, textual)
  return {
    type: 'bool',
    sql: `COALESCE(${sql}, false)`,
    err: f.err,
    unsure: anyOf(f.unsure, `COALESCE(${unsure}, false)`),
  }
}

type Relation = '<' | '>' | '<=' | '>='

/** `< > <= >=` (values.ts compare) as a non-null boolean. */
function compareExpr(params: SqlParams, op: Relation, sides: readonly [Expr, Expr]): Expr {
  const left = listAsText(params, sides[0])
  const right = listAsText(params, sides[1])
  const f = flags(left, right)
  const result = (sql: string, unsure?: string): Expr => ({
    type: 'bool',
    sql: `COALESCE(${sql}, false)`,
    err: f.err,
    unsure: anyOf(f.unsure, unsure),
  })
  const kl = kindOf(left)
  const kr = kindOf(right)
  if (kl === 'datetime' || kr === 'datetime') {
    const a = dateOrdinal(params, left, right)
    const b = dateOrdinal(params, right, left)
    return result(`(${a} ${op} ${b} AND ${notNaN(params, a)} AND ${notNaN(params, b)})`)
  }
  const textual = (e: Expr, k: Kind): boolean =>
    k === 'text' || (k === 'blank' && e.type === 'blank')
  if ((kl === 'text' && textual(right, kr)) || (kr === 'text' && textual(left, kl))) {
    const a = `concat(${left.sql})`
    const b = `concat(${right.sql})`
    // Postgres orders code points, JS UTF-16 units: they differ only between U+E000–U+FFFF and
    // astral characters, so rows holding both are unsure.
    const mixed = (s: string): string =>
      `(${s} ~ ${params.text(ASTRAL)} OR ${s} ~ ${params.text(HIGH_BMP)})`
    const c = `COLLATE ${quoteIdent('C')}`
    return result(`(${a} ${c} ${op} ${b} ${c})`, `(${mixed(a)} AND ${mixed(b)})`)
  }
  if (kl === 'text' || kr === 'text') return unsupported('ordering text against a number')
  const a = zeroed(toNumber(params, left))
  const b = zeroed(toNumber(params, right))
  return result(`(${a} ${op} ${b} AND ${notNaN(params, a)} AND ${notNaN(params, b)})`)
}

/**
 * A side of a datetime comparison as epoch ms (values.ts dateOrdinal): datetimes, numbers and
 * blanks (0) directly; text only when it is a literal the date parser reads at compile time.
 */
function dateOrdinal(params: SqlParams, e: Expr, other: Expr): string {
  // A blank against text compares as "" < the text (values.ts compareMixed), whatever the date.
  if (e.type === 'datetime' && literalText(params, other) !== undefined) {
    return `COALESCE(${e.sql}, ${params.number(-Infinity)})`
  }
  if (e.type === 'datetime' || e.type === 'number' || e.type === 'bool' || e.type === 'blank') {
    return zeroed(toNumber(params, e))
  }
  const literal = literalText(params, e)
  if (literal === undefined) return unsupported('ordering a datetime against computed text')
  const ms = parseDateText(literal)
  if (ms === undefined) return unsupported('ordering a datetime against non-date text')
  return params.number(ms)
}

/** The value of a text literal expression (one `$n::text` placeholder), if it is one. */
function literalText(params: SqlParams, e: Expr): string | undefined {
  const m = /^\$(\d+)::text$/.exec(e.sql)
  if (m === null) return undefined
  const value = params.values[Number(m[1]) - 1]
  return typeof value === 'string' ? value : undefined
}
