/**
 * Date functions → SQL over epoch-ms float8 (airtable-formula.md §7, §9.4): calendar parts read
 * the UTC calendar by integer arithmetic (no session time zone, no cast that could raise).
 * Date arguments follow dates.ts toDateMs: datetimes, and text literals parsed at compile time
 * by the evaluator's own parser; blank, numbers and booleans are errors; computed text is
 * unsupported (JS).
 */
import type { Node } from '../ast.ts'
import { dateUnit, parseDateText } from '../dates.ts'
import { anyOf, type SqlParams } from './fragment.ts'
import { unsupported, type CompileContext, type Expr } from './types.ts'

type CompileNode = (node: Node) => Expr

/** Compiles a date function's call. */
export type DateCompiler = (
  args: readonly Node[],
  compile: CompileNode,
  ctx: CompileContext,
) => Expr

const DAY_MS = 86_400_000
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
}

/** A date argument: its ms (float8) and when it is an error. */
interface DateArg {
  readonly ms: string
  readonly err?: string | undefined
  readonly unsure?: string | undefined
}

function dateArg(params: SqlParams, node: Node, compile: CompileNode): DateArg {
  if (node.kind === 'string') {
    const ms = parseDateText(node.value)
    return ms === undefined ? { ms: 'NULL::float8', err: 'true' } : { ms: params.number(ms) }
  }
  const e = compile(node)
  switch (e.type) {
    case 'datetime':
      return { ms: e.sql, err: anyOf(e.err, `(${e.sql} IS NULL)`), unsure: e.unsure }
    case 'number':
    case 'bool':
    case 'blank':
      return { ms: 'NULL::float8', err: 'true', unsure: e.unsure }
    case 'text':
    case 'list':
      return unsupported('a computed text as a date')
  }
}

/** Days since the epoch of an instant, and the calendar date of that day. */
function dayOf(ms: string): string {
  return `floor(${ms} / ${DAY_MS})`
}
function dateOf(ms: string): string {
  return `(make_date(1970, 1, 1) + ${dayOf(ms)}::int)`
}
function msOfDay(ms: string): string {
  return `(${ms} - ${dayOf(ms)} * ${DAY_MS})`
}

type Part = (ms: string) => string

const PARTS: Readonly<Record<string, Part>> = {
  YEAR: (ms) => `extract(year from ${dateOf(ms)})`,
  MONTH: (ms) => `extract(month from ${dateOf(ms)})`,
  DAY: (ms) => `extract(day from ${dateOf(ms)})`,
  HOUR: (ms) => `floor(${msOfDay(ms)} / 3600000)`,
  MINUTE: (ms) => `(floor(${msOfDay(ms)} / 60000) - floor(${msOfDay(ms)} / 3600000) * 60)`,
  SECOND: (ms) => `(floor(${msOfDay(ms)} / 1000) - floor(${msOfDay(ms)} / 60000) * 60)`,
  WEEKDAY: (ms) => `extract(dow from ${dateOf(ms)})`,
}

/** Instants whose day number Postgres dates hold (JS Date's whole range does not fit). */
const SAFE_MS = 8_000_000_000_000_000

function part(name: string): DateCompiler {
  return (args, compile, ctx) => partOf(name, { args, compile, ctx })
}

function partOf(
  name: string,
  { args, compile, ctx }: { args: readonly Node[]; compile: CompileNode; ctx: CompileContext },
): Expr {
  if (name === 'WEEKDAY' && args.length > 1) return unsupported('WEEKDAY with a start day')
  const d = dateArg(ctx.params, args[0] as Node, compile)
  const fn = PARTS[name]
  if (fn === undefined) return unsupported(name)
  const inRange = `abs(${d.ms}) < ${SAFE_MS}`
  return {
    type: 'number',
    sql: `(CASE WHEN ${inRange} THEN ${fn(d.ms)} END)::float8`,
    err: d.err,
    unsure: anyOf(d.unsure, `NOT COALESCE(${inRange}, true)`),
  }
}

function diff(args: readonly Node[], compile: CompileNode, ctx: CompileContext): Expr {
  const unitNode = args[2]
  let unit: string | undefined = 's'
  if (unitNode !== undefined) {
    if (unitNode.kind !== 'string') return unsupported('DATETIME_DIFF with a computed unit')
    unit = dateUnit(unitNode.value)
  }
  const unitMs = unit === undefined ? undefined : UNIT_MS[unit]
  if (unit !== undefined && unitMs === undefined) return unsupported('calendar units')
  const a = dateArg(ctx.params, args[0] as Node, compile)
  const b = dateArg(ctx.params, args[1] as Node, compile)
  const err = anyOf(a.err, b.err, unit === undefined ? 'true' : undefined)
  // dayjs: whole units of (a − b), truncated toward zero (ms: the plain difference).
  const value = unitMs === 1 ? `(${a.ms} - ${b.ms})` : `trunc((${a.ms} - ${b.ms}) / ${unitMs ?? 1})`
  return { type: 'number', sql: value, err, unsure: anyOf(a.unsure, b.unsure) }
}

function relation(
  op: '<' | '>',
): (args: readonly Node[], compile: CompileNode, ctx: CompileContext) => Expr {
  return (args, compile, ctx) => {
    const a = dateArg(ctx.params, args[0] as Node, compile)
    const b = dateArg(ctx.params, args[1] as Node, compile)
    return {
      type: 'bool',
      sql: `COALESCE(${a.ms} ${op} ${b.ms}, false)`,
      err: anyOf(a.err, b.err),
      unsure: anyOf(a.unsure, b.unsure),
    }
  }
}

const DATE_COMPILERS: ReadonlyMap<string, DateCompiler> = new Map<string, DateCompiler>([
  ...Object.keys(PARTS).map((name): [string, DateCompiler] => [name, part(name)]),
  ['DATETIME_DIFF', diff],
  ['IS_BEFORE', relation('<')],
  ['IS_AFTER', relation('>')],
  ['NOW', (_args, _c, ctx) => ({ type: 'datetime', sql: ctx.params.number(ctx.options.nowMs) })],
  [
    'TODAY',
    (_args, _c, ctx) => ({
      type: 'datetime',
      sql: ctx.params.number(Math.floor(ctx.options.nowMs / DAY_MS) * DAY_MS),
    }),
  ],
  [
    'CREATED_TIME',
    () => ({ type: 'datetime', sql: `floor(extract(epoch from r.created_time) * 1000)::float8` }),
  ],
])

/** Names of the date functions that compile. */
export const DATE_FUNCTION_NAMES: ReadonlySet<string> = new Set(DATE_COMPILERS.keys())

/** Compiles one of {@link DATE_FUNCTION_NAMES}. */
export function dateFunction(name: string): DateCompiler | undefined {
  return DATE_COMPILERS.get(name)
}
