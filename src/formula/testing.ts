/**
 * Test helpers for formula users (this module's tests, policy, emulator): an in-memory
 * FormulaRecord and a one-call "check, evaluate" runner. No test framework imports here.
 */
import { checkFormula } from './check.ts'
import { evaluate } from './evaluate.ts'
import type { FormulaOptions, FormulaRecord, FormulaValue } from './types.ts'

/** A fixed instant for NOW()/TODAY() in tests: Friday 2024-03-15 12:30:00 UTC. */
export const TEST_NOW_MS = Date.UTC(2024, 2, 15, 12, 30)

/** Options of {@link recordOf}. */
export interface TestRecordOptions {
  /** @default 'recTEST0000000001' */
  id?: string
  /** @default 2024-01-01T00:00:00Z */
  createdTimeMs?: number
  /** Last edit per field name; the record's last edit is the latest. */
  modifiedMs?: Readonly<Record<string, number>>
}

/** A record whose fields are the given formula values (missing names read as blank). */
export function recordOf(
  fields: Readonly<Record<string, FormulaValue>>,
  options: TestRecordOptions = {},
): FormulaRecord {
  const modified = options.modifiedMs ?? {}
  return {
    id: options.id ?? 'recTEST0000000001',
    createdTimeMs: options.createdTimeMs ?? Date.UTC(2024, 0, 1),
    field: (name) => fields[name] ?? null,
    lastModifiedTimeMs: (names) => {
      const times = (names ?? Object.keys(modified)).map((name) => modified[name] ?? null)
      const known = times.filter((t): t is number => t !== null)
      return known.length === 0 ? null : Math.max(...known)
    },
  }
}

/** Options of {@link runFormula}. */
export interface RunFormulaOptions extends TestRecordOptions {
  nowMs?: number
  options?: FormulaOptions
}

/** Checks `formula` against the record's field names, then evaluates it. Throws FormulaError. */
export function runFormula(
  formula: string,
  fields: Readonly<Record<string, FormulaValue>> = {},
  options: RunFormulaOptions = {},
): FormulaValue {
  const ast = checkFormula(formula, { hasField: (name) => Object.hasOwn(fields, name) })
  const context = {
    record: recordOf(fields, options),
    nowMs: options.nowMs ?? TEST_NOW_MS,
    ...(options.options === undefined ? {} : { options: options.options }),
  }
  return evaluate(ast, context)
}

/** Expected-value marker for "an `#ERROR!` value". */
export const ERR: FormulaValue = { kind: 'error', message: 'expected error' }

/** A datetime value for expectations: `D('2024-02-29')`, `D('2024-03-15T12:30:00Z')`. */
export function D(iso: string): FormulaValue {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00.000Z` : iso)
  if (Number.isNaN(ms)) throw new Error(`bad test date ${iso}`)
  return { kind: 'datetime', ms }
}

/** A comparable JSON-like form of a value: errors `#ERROR!`, NaN `NaN`, datetimes ISO, floats to 12 digits. */
export function comparable(value: FormulaValue): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Number(value.toPrecision(12)) : String(value)
  }
  if (Array.isArray(value)) return (value as readonly FormulaValue[]).map(comparable)
  const object = value as Exclude<
    FormulaValue,
    null | number | string | boolean | readonly FormulaValue[]
  >
  return object.kind === 'error' ? '#ERROR!' : { datetime: new Date(object.ms).toISOString() }
}

/** One row of a formula case table: formula, expected value, field values. */
export type FormulaCase = [
  formula: string,
  expected: FormulaValue,
  fields?: Readonly<Record<string, FormulaValue>>,
]
