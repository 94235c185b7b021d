/**
 * MID(text, start, count) → `substr` (functions/text.ts): start is 1-based (0-based with the
 * `midZeroBased` option) and clamps at the text's start; NaN start or count gives ""; a negative
 * count is an error. Postgres counts code points, JS UTF-16 units: texts with astral characters
 * are unsure, as for LEFT and RIGHT.
 */
import type { Node } from '../ast.ts'
import { anyOf } from './fragment.ts'
import { ASTRAL, nan, toNumber, toText } from './coerce.ts'
import type { CompileContext, Expr } from './types.ts'

/** The compiler of MID. */
export function compileMid(
  args: readonly Node[],
  compile: (node: Node) => Expr,
  { params, options }: CompileContext,
): Expr {
  const s = toText(params, compile(args[0] as Node))
  const start = toNumber(params, compile(args[1] as Node))
  const count = toNumber(params, compile(args[2] as Node))
  const base = options.formula?.midZeroBased === true ? 0 : 1
  const st = `trunc(COALESCE(${start.sql}, 0))`
  const n = `trunc(COALESCE(${count.sql}, 0))`
  const from = `(greatest(least(${st} - ${base}, 1000000000), 0) + 1)::int`
  // Clamped so that no argument makes substr raise, even when folded at plan time.
  const length = `greatest(least(${n}, 1000000000), 0)::int`
  const isNaN = `(${st} = ${nan(params)} OR ${n} = ${nan(params)})`
  return {
    type: 'text',
    sql: `(CASE WHEN ${isNaN} OR ${n} < 0 THEN ${params.text('')} ELSE substr(${s.sql}, ${from}, ${length}) END)`,
    err: anyOf(s.err, start.err, count.err, `(${n} < 0)`),
    unsure: anyOf(s.unsure, start.unsure, count.unsure, `(${s.sql} ~ ${params.text(ASTRAL)})`),
  }
}
