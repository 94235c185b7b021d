/**
 * COUNT, COUNTA and AVERAGE → SQL (functions/numeric.ts) over arguments whose static type decides
 * what each contributes: a number counts for COUNT when present; COUNTA counts present values
 * (text when non-empty, lists by their items); AVERAGE averages present numbers, booleans and
 * datetimes. Text arguments to AVERAGE (numeric text counts, other text not) stay in JS.
 */
import type { Node } from '../ast.ts'
import { anyOf } from './fragment.ts'
import { toNumber } from './coerce.ts'
import { unsupported, type CompileContext, type Expr } from './types.ts'

type CompileNode = (node: Node) => Expr
type FunctionCompiler = (args: readonly Node[], compile: CompileNode, ctx: CompileContext) => Expr

function counted(parts: readonly string[], es: readonly Expr[]): Expr {
  return {
    type: 'number',
    sql: `(${parts.join(' + ')})::float8`,
    err: anyOf(...es.map((e) => e.err)),
    unsure: anyOf(...es.map((e) => e.unsure)),
  }
}

const oneIf = (condition: string): string => `(CASE WHEN ${condition} THEN 1 ELSE 0 END)`

const count: FunctionCompiler = (args, compile) => {
  const es = args.map(compile)
  return counted(
    es.map((e) => (e.type === 'number' ? oneIf(`${e.sql} IS NOT NULL`) : '0')),
    es,
  )
}

const countA: FunctionCompiler = (args, compile) => {
  const es = args.map(compile)
  const parts = es.map((e) => {
    switch (e.type) {
      case 'text':
        return oneIf(`char_length(${e.sql}) > 0`)
      case 'list':
        return `COALESCE(jsonb_array_length(${e.sql}), 0)`
      case 'blank':
        return '0'
      case 'number':
      case 'bool':
      case 'datetime':
        return oneIf(`${e.sql} IS NOT NULL`)
    }
  })
  return counted(parts, es)
}

const average: FunctionCompiler = (args, compile, { params }) => {
  const es = args.map(compile)
  if (es.some((e) => e.type === 'text' || e.type === 'list')) return unsupported('averaging text')
  const numbers = es.map((e) => toNumber(params, e))
  const present = numbers.map((n) => oneIf(`${n.sql} IS NOT NULL`)).join(' + ')
  const sum = numbers.map((n) => `COALESCE(${n.sql}, 0)`).join(' + ')
  return {
    type: 'number',
    sql: `(CASE WHEN (${present}) = 0 THEN 0 ELSE (${sum}) / (${present}) END)::float8`,
    err: anyOf(...numbers.map((n) => n.err)),
    unsure: anyOf(...numbers.map((n) => n.unsure)),
  }
}

/** Compilers of the counting functions, by name. */
export const AGGREGATE_COMPILERS: ReadonlyMap<string, FunctionCompiler> = new Map([
  ['COUNT', count],
  ['COUNTA', countA],
  ['AVERAGE', average],
])
