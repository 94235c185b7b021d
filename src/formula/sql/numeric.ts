/**
 * Numeric functions → SQL (functions/numeric.ts). Where doubles and Postgres agree bit for bit
 * (ABS, INT, SQRT, EVEN, ODD: exact IEEE operations) the SQL is plain; ROUND, ROUNDUP and
 * ROUNDDOWN shift through decimal text like the evaluator (support.ts airsync_round); MOD and
 * POWER compile for integers, where both languages are exact, and are unsure elsewhere (the
 * support function returns NULL). LOG, EXP (libm results differ in the last bit across
 * platforms) and CEILING, FLOOR (12-digit tidying needs the double's exact decimal expansion)
 * stay with JS.
 */
import type { Node } from '../ast.ts'
import { anyOf, type SqlParams } from './fragment.ts'
import { nan, toNumber } from './coerce.ts'
import { unsupported, type CompileContext, type Expr } from './types.ts'

type CompileNode = (node: Node) => Expr
type FunctionCompiler = (args: readonly Node[], compile: CompileNode, ctx: CompileContext) => Expr

function numbers(args: readonly Node[], compile: CompileNode, params: SqlParams): Expr[] {
  return args.map((arg) => toNumber(params, compile(arg)))
}

/** `COALESCE(x, 0)`: blank reads as 0 in arithmetic. */
function zeroed(e: Expr): string {
  return `COALESCE(${e.sql}, 0)`
}

function num(sql: string, es: readonly Expr[], extra?: Pick<Expr, 'err' | 'unsure'>): Expr {
  return {
    type: 'number',
    sql,
    err: anyOf(...es.map((e) => e.err), extra?.err),
    unsure: anyOf(...es.map((e) => e.unsure), extra?.unsure),
  }
}

function unary(build: (x: string, params: SqlParams) => string): FunctionCompiler {
  return (args, compile, { params }) => {
    const [x] = numbers(args, compile, params)
    if (x === undefined) return unsupported('arity')
    return num(build(zeroed(x), params), [x])
  }
}

/** A support function returning NULL when it cannot decide: NULL becomes the unsure flag. */
function decided(sql: string, es: readonly Expr[], err?: string): Expr {
  return num(sql, es, { err, unsure: `(${sql} IS NULL)` })
}

function rounding(mode: 'n' | 'u' | 'd'): FunctionCompiler {
  return (args, compile, { params }) => {
    const es = numbers(args, compile, params)
    const [x, places] = es as [Expr, Expr | undefined]
    const p = places === undefined ? '0' : zeroed(places)
    return decided(`airsync_round(${zeroed(x)}, ${p}, ${params.text(mode)})`, es)
  }
}

/** EVEN/ODD: away from zero to the next even (odd) integer, as functions/numeric.ts evenOdd. */
function evenOdd(odd: boolean): FunctionCompiler {
  return unary((x) => {
    const sign = `(CASE WHEN ${x} < 0 THEN -1 ELSE 1 END)`
    const magnitude = `abs(${x})`
    return odd
      ? `(${sign} * (ceil((${magnitude} + 1) / 2) * 2 - 1))`
      : `(${sign} * ceil(${magnitude} / 2) * 2)`
  })
}

const mod: FunctionCompiler = (args, compile, ctx) => {
  if (ctx.options.formula?.modSign === 'divisor') return unsupported('MOD with the divisor sign')
  const es = numbers(args, compile, ctx.params)
  const [x, d] = es.map(zeroed) as [string, string]
  const sql = `airsync_mod(${x}, ${d})`
  // MOD by zero is an error; other undecidable pairs (fractions, huge numbers) go to JS.
  return num(sql, es, { err: `(${d} = 0)`, unsure: `(${d} <> 0 AND ${sql} IS NULL)` })
}

const power: FunctionCompiler = (args, compile, { params }) => {
  const es = numbers(args, compile, params)
  const [x, y] = es.map(zeroed) as [string, string]
  return decided(`airsync_power(${x}, ${y})`, es)
}

/** Compilers of the numeric functions, by name. */
export const NUMERIC_COMPILERS: ReadonlyMap<string, FunctionCompiler> = new Map<
  string,
  FunctionCompiler
>([
  ['ABS', unary((x) => `abs(${x})`)],
  ['INT', unary((x) => `floor(${x})`)],
  // Postgres's sqrt raises for negatives where JS gives NaN.
  ['SQRT', unary((x, p) => `(CASE WHEN ${x} < 0 THEN ${nan(p)} ELSE sqrt(${x}) END)`)],
  ['EVEN', evenOdd(false)],
  ['ODD', evenOdd(true)],
  ['ROUND', rounding('n')],
  ['ROUNDUP', rounding('u')],
  ['ROUNDDOWN', rounding('d')],
  ['MOD', mod],
  ['POWER', power],
])
