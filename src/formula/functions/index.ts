/**
 * Every formula function by upper-case name, built once. The evaluator resolves a call node to
 * its entry when it compiles the AST, never per record.
 */
import { ARRAY_FUNCTIONS } from './array.ts'
import { DATE_FUNCTIONS } from './date.ts'
import { LOGICAL_FUNCTIONS } from './logical.ts'
import { NUMERIC_FUNCTIONS } from './numeric.ts'
import { RECORD_FUNCTIONS } from './record.ts'
import { REGEX_FUNCTIONS } from './regex.ts'
import type { FormulaFunction } from './registry.ts'
import { TEXT_FUNCTIONS } from './text.ts'

export type { FormulaFunction, Thunk } from './registry.ts'
export { describeArity } from './registry.ts'
export { RuntimeFailure } from './args.ts'

/** Function table: name → definition. */
export const FUNCTIONS: ReadonlyMap<string, FormulaFunction> = new Map(
  [
    ...TEXT_FUNCTIONS,
    ...LOGICAL_FUNCTIONS,
    ...NUMERIC_FUNCTIONS,
    ...DATE_FUNCTIONS,
    ...ARRAY_FUNCTIONS,
    ...RECORD_FUNCTIONS,
    ...REGEX_FUNCTIONS,
  ].map((fn) => [fn.name, fn]),
)
