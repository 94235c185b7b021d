/**
 * Function calls → SQL, one compiler per function the evaluator knows (functions/*.ts), each
 * reproducing its JS exactly or declaring itself unsupported (→ JS residual). Eager functions
 * propagate their arguments' error flags; IF is lazy like the evaluator's.
 */
import type { Node } from '../ast.ts'
import { FUNCTIONS } from '../functions/index.ts'
import { anyOf, type SqlParams } from './fragment.ts'
import { ASTRAL, JS_WHITESPACE_CHARS, nan, toNumber, toText, truthy } from './coerce.ts'
import { dateFunction, DATE_FUNCTION_NAMES } from './dates.ts'
import { AGGREGATE_COMPILERS } from './aggregates.ts'
import { compileMid } from './mid.ts'
import { NUMERIC_COMPILERS } from './numeric.ts'
import { binaryExpr } from './operators.ts'
import { unsupported, type CompileContext, type Expr, type SqlType } from './types.ts'

/** Compiles a subexpression (the compiler's entry point, passed in to avoid an import cycle). */
export type CompileNode = (node: Node) => Expr

type FunctionCompiler = (args: readonly Node[], compile: CompileNode, ctx: CompileContext) => Expr

function flagsOf(es: readonly Expr[], extraErr?: string): Pick<Expr, 'err' | 'unsure'> {
  return {
    err: anyOf(...es.map((e) => e.err), extraErr),
    unsure: anyOf(...es.map((e) => e.unsure)),
  }
}

/** Text arguments with astral characters (two UTF-16 units, one code point) are unsure. */
function astralUnsure(params: SqlParams, texts: readonly Expr[]): string | undefined {
  return anyOf(...texts.map((t) => `(${t.sql} ~ ${params.text(ASTRAL)})`))
}

const NON_ASCII = '[^\\u0001-\\u007f]'

function texts(args: readonly Node[], compile: CompileNode, params: SqlParams): Expr[] {
  return args.map((arg) => toText(params, compile(arg)))
}

function numbers(args: readonly Node[], compile: CompileNode, params: SqlParams): Expr[] {
  return args.map((arg) => toNumber(params, compile(arg)))
}

/** A non-negative count argument (functions/text.ts `count`): trunc, negative is an error. */
function countArg(params: SqlParams, e: Expr, fn: 'left' | 'right'): { sql: string; err: string } {
  const n = `trunc(COALESCE(${e.sql}, 0))`
  // NaN: LEFT's slice(0, NaN) is "", RIGHT's slice(max(len - NaN, 0)) the whole text; huge
  // counts take everything.
  const ifNaN = fn === 'left' ? '0' : '1000000000'
  return {
    sql: `(CASE WHEN ${n} = ${nan(params)} THEN ${ifNaN} ELSE least(${n}, 1000000000) END)::int`,
    err: `(${n} < 0)`,
  }
}

function bool(sql: string, es: readonly Expr[], extraErr?: string): Expr {
  return { type: 'bool', sql, ...flagsOf(es, extraErr) }
}

function num(sql: string, es: readonly Expr[], extraErr?: string): Expr {
  return { type: 'number', sql, ...flagsOf(es, extraErr) }
}

function text(sql: string, es: readonly Expr[], extraUnsure?: string): Expr {
  const flags = flagsOf(es)
  return { type: 'text', sql, err: flags.err, unsure: anyOf(flags.unsure, extraUnsure) }
}

/**
 * IF's result type when the branches differ only by a blank, or are a boolean and a number
 * (booleans act as 1 and 0 everywhere a value goes: `=`, `&`, arithmetic, truthiness).
 */
function branchType(a: Expr, b: Expr): SqlType {
  if (a.type === b.type) return a.type
  if (a.type === 'blank') return b.type
  if (b.type === 'blank') return a.type
  const types = new Set([a.type, b.type])
  if (types.size === 2 && types.has('bool') && types.has('number')) return 'number'
  return unsupported('IF branches of different types')
}

/** A branch's SQL as the result type. */
function branchValue(params: SqlParams, x: Expr, type: SqlType): string {
  if (x.type === 'blank') return blankOf(type)
  return x.type === 'bool' && type === 'number' ? toNumber(params, x).sql : x.sql
}

const compileIf: FunctionCompiler = (args, compile, ctx) => {
  const [c, t, e] = args
  if (c === undefined || t === undefined) return unsupported('IF arity')
  const cond = compile(c)
  const then = compile(t)
  const otherwise = e === undefined ? { type: 'blank' as const, sql: 'NULL' } : compile(e)
  const type = branchType(then, otherwise)
  const test = truthy(ctx.params, cond)
  const value = (x: Expr): string => branchValue(ctx.params, x, type)
  const errWhen = (x: Expr): string => (x.err === undefined ? 'false' : `COALESCE(${x.err}, false)`)
  const err =
    cond.err === undefined && then.err === undefined && otherwise.err === undefined
      ? undefined
      : `(CASE WHEN COALESCE(${cond.err ?? 'false'}, false) THEN true WHEN ${test} THEN ${errWhen(then)} ELSE ${errWhen(otherwise)} END)`
  return {
    type,
    sql: `(CASE WHEN ${test} THEN ${value(then)} ELSE ${value(otherwise)} END)`,
    err,
    unsure: anyOf(cond.unsure, then.unsure, otherwise.unsure),
  }
}

/**
 * SWITCH(subject, pattern, result, …, [default]): the first pattern equal to the subject (`=`'s
 * rules) picks its result; patterns after it and results not taken are never errors (lazy).
 */
const compileSwitch: FunctionCompiler = (args, compile, { params }) => {
  const subject = compile(args[0] as Node)
  const arms: { pattern: Expr; same: Expr; result: Expr }[] = []
  let i = 1
  for (; i + 1 < args.length; i += 2) {
    const pattern = compile(args[i] as Node)
    const same = binaryExpr(params, '=', [
      { ...subject, err: undefined },
      { ...pattern, err: undefined },
    ])
    arms.push({ pattern, same, result: compile(args[i + 1] as Node) })
  }
  const fallback: Expr = i < args.length ? compile(args[i] as Node) : { type: 'blank', sql: 'NULL' }
  const type = [...arms.map((arm) => arm.result), fallback].reduce<SqlType>(
    (t, e) => branchType({ type: t, sql: '' }, e),
    'blank',
  )
  const value = (x: Expr): string => branchValue(params, x, type)
  const errWhen = (x: Expr): string => (x.err === undefined ? 'false' : `COALESCE(${x.err}, false)`)
  const whens = arms.map((arm) => `WHEN ${arm.same.sql} THEN ${value(arm.result)}`)
  const errs = arms.map(
    (arm) =>
      `WHEN ${errWhen(arm.pattern)} THEN true WHEN ${arm.same.sql} THEN ${errWhen(arm.result)}`,
  )
  const everything = [subject, fallback, ...arms.flatMap((a) => [a.pattern, a.same, a.result])]
  return {
    type,
    sql: `(CASE ${whens.join(' ')} ELSE ${value(fallback)} END)`,
    err: `(CASE WHEN ${errWhen(subject)} THEN true ${errs.join(' ')} ELSE ${errWhen(fallback)} END)`,
    unsure: anyOf(...everything.map((e) => e.unsure)),
  }
}

function blankOf(type: SqlType): string {
  switch (type) {
    case 'number':
    case 'datetime':
      return 'NULL::float8'
    case 'text':
      return 'NULL::text'
    case 'list':
      return 'NULL::jsonb'
    case 'bool':
      return 'NULL::boolean'
    case 'blank':
      return 'NULL'
  }
}

/** AND/OR/XOR arguments; an array's elements would count one by one, so lists are unsupported. */
function truths(
  args: readonly Node[],
  compile: CompileNode,
  params: SqlParams,
): { es: Expr[]; tests: string[] } {
  const es = args.map(compile)
  if (es.some((e) => e.type === 'list')) unsupported('AND/OR over a multi-select')
  return { es, tests: es.map((e) => truthy(params, e)) }
}

function aggregate(kind: 'max' | 'min'): FunctionCompiler {
  return (args, compile, ctx) => {
    const p = ctx.params
    const es = numbers(args, compile, p)
    const list = es.map((e) => e.sql).join(', ')
    const anyNaN = es.map((e) => `COALESCE(${e.sql} = ${nan(p)}, false)`).join(' OR ')
    const fn = kind === 'max' ? 'greatest' : 'least'
    return num(`(CASE WHEN ${anyNaN} THEN ${nan(p)} ELSE COALESCE(${fn}(${list}), 0) END)`, es)
  }
}

/** SUM/MAX/MIN skip non-numeric text: only number-like arguments compile. */
function numericArgs(compileAgg: FunctionCompiler): FunctionCompiler {
  return (args, compile, ctx) => {
    for (const arg of args) {
      const type = compile(arg).type
      if (type === 'text' || type === 'list') unsupported('aggregating text')
    }
    return compileAgg(args, compile, ctx)
  }
}

const COMPILERS: ReadonlyMap<string, FunctionCompiler> = new Map<string, FunctionCompiler>([
  ['IF', compileIf],
  [
    'AND',
    (args, compile, { params }) => {
      const { es, tests } = truths(args, compile, params)
      return bool(`(${tests.join(' AND ')})`, es)
    },
  ],
  [
    'OR',
    (args, compile, { params }) => {
      const { es, tests } = truths(args, compile, params)
      return bool(`(${tests.join(' OR ')})`, es)
    },
  ],
  [
    'XOR',
    (args, compile, { params }) => {
      const { es, tests } = truths(args, compile, params)
      const count = tests.map((t) => `(CASE WHEN ${t} THEN 1 ELSE 0 END)`).join(' + ')
      return bool(`((${count}) % 2 = 1)`, es)
    },
  ],
  [
    'NOT',
    (args, compile, { params }) => {
      const e = compile(args[0] as Node)
      return bool(`(NOT ${truthy(params, e)})`, [e])
    },
  ],
  ['TRUE', () => ({ type: 'bool', sql: 'true' })],
  ['FALSE', () => ({ type: 'bool', sql: 'false' })],
  ['BLANK', () => ({ type: 'blank', sql: 'NULL' })],
  ['ERROR', () => ({ type: 'blank', sql: 'NULL', err: 'true' })],
  [
    'ISERROR',
    (args, compile) => {
      const e = compile(args[0] as Node)
      return {
        type: 'bool',
        sql: e.err === undefined ? 'false' : `COALESCE(${e.err}, false)`,
        unsure: e.unsure,
      }
    },
  ],
  [
    'CONCATENATE',
    (args, compile, { params }) => {
      const ts = texts(args, compile, params)
      return text(`(${ts.map((t) => t.sql).join(' || ')})`, ts)
    },
  ],
  [
    'LEN',
    (args, compile, { params }) => {
      const [s] = texts(args, compile, params)
      if (s === undefined) return unsupported('LEN arity')
      // UTF-16 length: code points plus one per astral character.
      const astral = `char_length(regexp_replace(${s.sql}, ${params.text(`[^${ASTRAL.slice(1, -1)}]`)}, ${params.text('')}, ${params.text('g')}))`
      return num(`(char_length(${s.sql}) + ${astral})::float8`, [s])
    },
  ],
  [
    'TRIM',
    (args, compile, { params }) => {
      const [s] = texts(args, compile, params)
      if (s === undefined) return unsupported('TRIM arity')
      return text(`btrim(${s.sql}, ${params.text(JS_WHITESPACE_CHARS)})`, [s])
    },
  ],
  ['LOWER', caseMap('lower')],
  ['UPPER', caseMap('upper')],
  [
    'FIND',
    (args, compile, { params }) => {
      if (args.length !== 2) return unsupported('FIND with a start')
      const [needle, hay] = texts(args, compile, params) as [Expr, Expr]
      return num(
        `(CASE WHEN ${hay.sql} = ${params.text('')} THEN 0 ELSE strpos(${hay.sql}, ${needle.sql}) END)::float8`,
        [needle, hay],
      )
    },
  ],
  [
    'SEARCH',
    (args, compile, ctx) => {
      if (args.length !== 2 || ctx.options.formula?.searchCaseInsensitive === true) {
        return unsupported('SEARCH with a start or ignoring case')
      }
      const [needle, hay] = texts(args, compile, ctx.params) as [Expr, Expr]
      return num(
        `NULLIF((CASE WHEN ${hay.sql} = ${ctx.params.text('')} THEN 0 ELSE strpos(${hay.sql}, ${needle.sql}) END), 0)::float8`,
        [needle, hay],
      )
    },
  ],
  ['LEFT', slice('left')],
  ['RIGHT', slice('right')],
  [
    'SUBSTITUTE',
    (args, compile, { params }) => {
      if (args.length !== 3) return unsupported('SUBSTITUTE with an index')
      const [s, old, replacement] = texts(args, compile, params) as [Expr, Expr, Expr]
      return text(
        `(CASE WHEN ${old.sql} = ${params.text('')} THEN ${s.sql} ELSE replace(${s.sql}, ${old.sql}, ${replacement.sql}) END)`,
        [s, old, replacement],
      )
    },
  ],
  [
    'T',
    (args, compile) => {
      const e = compile(args[0] as Node)
      if (e.type === 'text') return e
      if (e.type === 'list') return unsupported('T of a multi-select')
      return { type: 'blank', sql: 'NULL', err: e.err, unsure: e.unsure }
    },
  ],
  [
    'SUM',
    numericArgs((args, compile, { params }) => {
      const es = numbers(args, compile, params)
      return num(`(${es.map((e) => `COALESCE(${e.sql}, 0)`).join(' + ')})`, es)
    }),
  ],
  ['MAX', numericArgs(aggregate('max'))],
  ['MIN', numericArgs(aggregate('min'))],
  ['RECORD_ID', () => ({ type: 'text', sql: 'r.id' })],
  ['SWITCH', compileSwitch],
  [
    'ARRAYJOIN',
    (args, compile, { params }) => {
      const list = compile(args[0] as Node)
      const separator =
        args[1] === undefined
          ? { type: 'text' as const, sql: params.text(', ') }
          : toText(params, compile(args[1]))
      if (list.type !== 'list') return text(toText(params, list).sql, [list, separator])
      return text(`airsync_join(${list.sql}, ${separator.sql})`, [list, separator])
    },
  ],
  ['MID', compileMid],
  ...NUMERIC_COMPILERS,
  ...AGGREGATE_COMPILERS,
])

function caseMap(fn: 'lower' | 'upper'): FunctionCompiler {
  return (args, compile, { params }) => {
    const [s] = texts(args, compile, params)
    if (s === undefined) return unsupported('arity')
    // Postgres maps case by the database's locale; JS by Unicode. They agree on ASCII only.
    return text(`${fn}(${s.sql})`, [s], `(${s.sql} ~ ${params.text(NON_ASCII)})`)
  }
}

function slice(fn: 'left' | 'right'): FunctionCompiler {
  return (args, compile, { params }) => {
    const [s] = texts(args.slice(0, 1), compile, params) as [Expr]
    const n =
      args[1] === undefined
        ? { type: 'number' as const, sql: '1::float8' }
        : toNumber(params, compile(args[1]))
    const count = countArg(params, n, fn)
    return {
      type: 'text',
      sql: `${fn}(${s.sql}, ${count.sql})`,
      err: anyOf(s.err, n.err, count.err),
      unsure: anyOf(s.unsure, n.unsure, astralUnsure(params, [s])),
    }
  }
}

/** Compiles a call; unknown functions and wrong arities are unsupported (they are errors in JS). */
export function callExpr(
  { name, args }: { name: string; args: readonly Node[] },
  compile: CompileNode,
  ctx: CompileContext,
): Expr {
  const fn = FUNCTIONS.get(name)
  if (fn === undefined || args.length < fn.minArgs || args.length > fn.maxArgs) {
    return unsupported(`call of ${name}`)
  }
  const compiler = COMPILERS.get(name)
  if (compiler !== undefined) return compiler(args, compile, ctx)
  const dated = dateFunction(name)
  if (dated !== undefined) return dated(args, compile, ctx)
  return unsupported(`function ${name}`)
}

/** Names of the functions that compile (in some or all argument shapes). */
export const COMPILED_FUNCTIONS: readonly string[] = [
  ...COMPILERS.keys(),
  ...DATE_FUNCTION_NAMES,
].sort()
