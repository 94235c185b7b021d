/**
 * Logical functions (airtable-formula.md §9.2). IF and SWITCH are lazy: the branch not taken is
 * never evaluated, so `IF({D}, {N}/{D})` guards a division. Truthiness is §5's (values.ts).
 */
import type { FormulaValue } from '../types.ts'
import { equals, errorValue, flatten, isError, isTruthy } from '../values.ts'
import { eager, type FormulaFunction } from './registry.ts'

/**
 * The truth values an AND/OR/XOR argument contributes: an array counts by its elements (§9.2
 * [?]), an empty array as one false value.
 */
function truths(args: readonly FormulaValue[]): boolean[] {
  const out: boolean[] = []
  for (const arg of args) {
    if (Array.isArray(arg)) {
      const items = flatten(arg)
      if (items.length === 0) out.push(false)
      for (const item of items) out.push(isTruthy(item))
    } else {
      out.push(isTruthy(arg))
    }
  }
  return out
}

export const LOGICAL_FUNCTIONS: readonly FormulaFunction[] = [
  {
    kind: 'lazy',
    name: 'IF',
    minArgs: 2,
    maxArgs: 3,
    call: ([condition, then, otherwise]) => {
      const test = condition?.() ?? null
      if (isError(test)) return test
      if (isTruthy(test)) return then?.() ?? null
      return otherwise?.() ?? null
    },
  },
  {
    kind: 'lazy',
    name: 'SWITCH',
    minArgs: 2,
    maxArgs: Infinity,
    call: (args) => {
      const subject = args[0]?.() ?? null
      if (isError(subject)) return subject
      let i = 1
      for (; i + 1 < args.length; i += 2) {
        const pattern = args[i]?.() ?? null
        const same = equals(subject, pattern)
        if (isError(same)) return same
        if (same) return args[i + 1]?.() ?? null
      }
      // An odd trailing argument is the default.
      return i < args.length ? (args[i]?.() ?? null) : null
    },
  },
  eager('AND', [1, Infinity], (args) => truths(args).every(Boolean)),
  eager('OR', [1, Infinity], (args) => truths(args).some(Boolean)),
  eager('XOR', [1, Infinity], (args) => truths(args).filter(Boolean).length % 2 === 1),
  eager('NOT', [1, 1], ([v]) => !isTruthy(v ?? null)),
  eager('TRUE', [0, 0], () => true),
  eager('FALSE', [0, 0], () => false),
  eager('BLANK', [0, 0], () => null),
  eager('ERROR', [0, 0], () => errorValue('ERROR()')),
  {
    kind: 'eager',
    name: 'ISERROR',
    minArgs: 1,
    maxArgs: 1,
    catchesErrors: true,
    call: ([v]) => isError(v ?? null),
  },
]
