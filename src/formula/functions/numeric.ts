/**
 * Numeric functions (airtable-formula.md §9.3). Rounding shifts the decimal point through the
 * number's text (`1.005e2`) so that ROUND(1.005, 2) is 1.01 as a person expects, not 1 as
 * binary floating point would say. Aggregates flatten lookups and rollups into their arguments.
 */
import type { FormulaValue } from '../types.ts'
import { flatten, isDateTime, isError, numericText } from '../values.ts'
import { fail, int, num } from './args.ts'
import { eager, type FormulaFunction } from './registry.ts'

/** `value × 10^places`, exactly as decimal text would. */
function shift(value: number, places: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e')
  return Number(`${mantissa}e${Number(exponent) + places}`)
}

type Rounder = (x: number) => number

function roundWith(args: readonly FormulaValue[], rounder: Rounder): number {
  const x = num(args[0])
  const places = int(args[1], 0)
  if (!Number.isFinite(x)) return x
  const shifted = shift(x, places)
  if (!Number.isFinite(shifted)) return x
  return shift(rounder(shifted), -places)
}

/** Float noise from `x / significance` (1.1000000000000001) is cut at 12 significant digits. */
function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x
}

function multiple(args: readonly FormulaValue[], rounder: Rounder): number {
  const x = num(args[0])
  const significance = Math.abs(num(args[1], 1))
  if (significance === 0) return 0
  return tidy(rounder(tidy(x / significance)) * significance)
}

/** EVEN/ODD: away from zero to the next even (odd) integer. */
function evenOdd(x: number, odd: boolean): number {
  const sign = x < 0 ? -1 : 1
  const magnitude = Math.abs(x)
  if (odd) return sign * (Math.ceil((magnitude + 1) / 2) * 2 - 1)
  return sign * Math.ceil(magnitude / 2) * 2
}

/** The numbers among flattened aggregate arguments: text that is not numeric and blanks skip. */
function numbers(args: readonly FormulaValue[]): number[] {
  const out: number[] = []
  for (const item of args.flatMap(flatten)) {
    if (isError(item)) fail(item.message)
    if (typeof item === 'number') out.push(item)
    else if (typeof item === 'boolean') out.push(item ? 1 : 0)
    else if (typeof item === 'string') {
      const n = numericText(item)
      if (n !== undefined) out.push(n)
    } else if (isDateTime(item)) out.push(item.ms)
  }
  return out
}

function mod(args: readonly FormulaValue[], sign: 'dividend' | 'divisor'): number {
  const x = num(args[0])
  const d = num(args[1])
  if (d === 0) fail('MOD by zero')
  const r = x % d
  // Excel's MOD takes the divisor's sign; JS `%` the dividend's (§9.3 [?], FormulaOptions.modSign).
  return sign === 'divisor' && r !== 0 && r < 0 !== d < 0 ? r + d : r
}

function log(args: readonly FormulaValue[]): number {
  const x = num(args[0])
  const base = num(args[1], 10)
  if (base === 10) return Math.log10(x)
  if (base === 2) return Math.log2(x)
  return Math.log(x) / Math.log(base)
}

export const NUMERIC_FUNCTIONS: readonly FormulaFunction[] = [
  eager('ABS', [1, 1], (args) => Math.abs(num(args[0]))),
  eager('SQRT', [1, 1], (args) => Math.sqrt(num(args[0]))),
  eager('EXP', [1, 1], (args) => Math.exp(num(args[0]))),
  eager('POWER', [2, 2], (args) => Math.pow(num(args[0]), num(args[1]))),
  // Base 10 by default (§9.3 [doc]); ln would be teable's mistake.
  eager('LOG', [1, 2], log),
  eager('MOD', [2, 2], (args, context) => mod(args, context.options?.modSign ?? 'dividend')),
  // Ties toward +∞: ROUND(2.5) = 3, ROUND(-2.5) = -2 [doc].
  eager('ROUND', [1, 2], (args) => roundWith(args, (x) => Math.floor(x + 0.5))),
  eager('ROUNDUP', [1, 2], (args) => roundWith(args, (x) => Math.sign(x) * Math.ceil(Math.abs(x)))),
  eager('ROUNDDOWN', [1, 2], (args) => roundWith(args, Math.trunc)),
  eager('CEILING', [1, 2], (args) => multiple(args, Math.ceil)),
  eager('FLOOR', [1, 2], (args) => multiple(args, Math.floor)),
  eager('INT', [1, 1], (args) => Math.floor(num(args[0]))),
  eager('EVEN', [1, 1], (args) => evenOdd(num(args[0]), false)),
  eager('ODD', [1, 1], (args) => evenOdd(num(args[0]), true)),
  eager('SUM', [1, Infinity], (args) => numbers(args).reduce((a, b) => a + b, 0)),
  eager('AVERAGE', [1, Infinity], (args) => {
    const values = numbers(args)
    // An empty average is 0 rather than a division error (a rollup over no records) [?].
    return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
  }),
  eager('MAX', [1, Infinity], (args) => {
    const values = numbers(args)
    return values.length === 0 ? 0 : values.reduce((a, b) => Math.max(a, b))
  }),
  eager('MIN', [1, Infinity], (args) => {
    const values = numbers(args)
    return values.length === 0 ? 0 : values.reduce((a, b) => Math.min(a, b))
  }),
  eager(
    'COUNT',
    [1, Infinity],
    (args) => args.flatMap(flatten).filter((v) => typeof v === 'number').length,
  ),
  eager(
    'COUNTA',
    [1, Infinity],
    (args) => args.flatMap(flatten).filter((v) => v !== null && v !== '').length,
  ),
  eager('COUNTALL', [1, Infinity], (args) => args.flatMap(flatten).length),
]
