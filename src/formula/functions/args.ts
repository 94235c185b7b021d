/**
 * Argument coercion for function bodies. A body that meets a value it cannot use calls fail(),
 * which throws a RuntimeFailure; the evaluator turns it into an `#ERROR!` value at the call, so
 * bodies stay straight-line and errors never escape evaluate().
 */
import type { FormulaValue } from '../types.ts'
import { isError, toNumber, toText } from '../values.ts'

/** A runtime problem inside a function body; becomes an error value at the call site. */
export class RuntimeFailure extends Error {
  override readonly name = 'RuntimeFailure'
}

/** Stops the current function with an `#ERROR!` result. */
export function fail(message: string): never {
  throw new RuntimeFailure(message)
}

/** A number argument (§3 coercion); `fallback` when the argument is absent. */
export function num(value: FormulaValue | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) fail('missing argument')
    return fallback
  }
  const n = toNumber(value)
  if (typeof n !== 'number') return fail(n.message)
  return n
}

/** A whole-number argument, truncated toward zero. */
export function int(value: FormulaValue | undefined, fallback?: number): number {
  return Math.trunc(num(value, fallback))
}

/** A text argument (§3 coercion); `fallback` when absent. Errors inside arrays fail. */
export function text(value: FormulaValue | undefined, fallback?: string): string {
  if (value === undefined) {
    if (fallback === undefined) fail('missing argument')
    return fallback
  }
  if (isError(value)) fail(value.message)
  return toText(value)
}

/** Longest text a function may build (REPT, SUBSTITUTE…): keeps a hostile formula from eating memory. */
export const MAX_TEXT_LENGTH = 1_000_000

/** Fails when a text would be too long to be a cell. */
export function checkLength(result: string): string {
  if (result.length > MAX_TEXT_LENGTH) fail('text too long')
  return result
}
