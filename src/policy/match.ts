/**
 * Whether a bound row filter admits a record, through the formula evaluator. Used where no SQL
 * runs: write checks and the SSE stream. Fail closed: no record, an error value or an exception
 * all mean "no".
 */
import { evaluate, isTruthy } from '../formula/index.ts'
import type { FormulaRecord } from '../formula/index.ts'
import type { Node } from '../formula/ast.ts'

/** True when `filter` (null = every row) admits `record`; false for a missing record. */
export function rowMatches(
  filter: Node | null,
  record: FormulaRecord | null | undefined,
  nowMs: number,
): boolean {
  if (record === null || record === undefined) return false
  if (filter === null) return true
  // Runtime errors are values (filters treat them as false); an exception would be an evaluator
  // bug, and a policy must not let it through either.
  try {
    return isTruthy(evaluate(filter, { record, nowMs }))
  } catch {
    return false
  }
}
