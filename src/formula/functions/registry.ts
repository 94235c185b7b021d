/**
 * How a formula function is described: arity plus one of three calling conventions. Eager
 * functions get evaluated arguments (an error argument short-circuits to that error unless the
 * function catches errors); lazy ones get thunks (IF, SWITCH evaluate only the branch they take);
 * field functions get the names of their field arguments (LAST_MODIFIED_TIME).
 */
import type { EvalContext, FormulaValue } from '../types.ts'

/** Evaluates one argument on demand. */
export type Thunk = () => FormulaValue

interface Arity {
  /** Upper-case name. */
  readonly name: string
  readonly minArgs: number
  /** `Infinity` for variadic functions. */
  readonly maxArgs: number
}

/** Gets evaluated arguments; errors short-circuit before the call unless `catchesErrors`. */
export interface EagerFunction extends Arity {
  readonly kind: 'eager'
  readonly catchesErrors?: boolean
  readonly call: (args: readonly FormulaValue[], context: EvalContext) => FormulaValue
}

/** Gets thunks and decides what to evaluate. */
export interface LazyFunction extends Arity {
  readonly kind: 'lazy'
  readonly call: (args: readonly Thunk[], context: EvalContext) => FormulaValue
}

/** Gets field names; every argument must be a field reference (checked at check time). */
export interface FieldsFunction extends Arity {
  readonly kind: 'fields'
  readonly call: (fieldNames: readonly string[], context: EvalContext) => FormulaValue
}

export type FormulaFunction = EagerFunction | LazyFunction | FieldsFunction

/** Shorthand for an eager function with a fixed arity range. */
export function eager(
  name: string,
  arity: readonly [min: number, max: number],
  call: EagerFunction['call'],
): EagerFunction {
  return { kind: 'eager', name, minArgs: arity[0], maxArgs: arity[1], call }
}

/** Describes an arity for messages: `1`, `2 or 3`, `2 to 4`, `at least 1`. */
export function describeArity(fn: Arity): string {
  if (fn.minArgs === fn.maxArgs) return String(fn.minArgs)
  if (fn.maxArgs === Infinity) return `at least ${fn.minArgs}`
  if (fn.maxArgs === fn.minArgs + 1) return `${fn.minArgs} or ${fn.maxArgs}`
  return `${fn.minArgs} to ${fn.maxArgs}`
}
