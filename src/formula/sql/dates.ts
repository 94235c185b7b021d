/**
 * Date functions → SQL over epoch-ms float8 (airtable-formula.md §7, §9.4): calendar parts read
 * the UTC calendar through `airsync_utc_date` / `airsync_ms_of_day` (support.ts), never the
 * session time zone, never a cast that could raise. Date arguments follow dates.ts toDateMs:
 * datetimes, and text literals parsed at compile time by the evaluator's own parser; blank,
 * numbers and booleans are errors; computed text and lists are unsupported (JS). Units and week
 * starts must be literals; calendar units (months, quarters, years) compile only in IS_SAME.
 */
import type { Node } from '../ast.ts'
import { DAY_MS, dateUnit, parseDateText, type DateUnit } from '../dates.ts'
import { formatFunction } from './date-format.ts'
import { anyOf, type SqlParams } from './fragment.ts'
import { nan, toNumber } from './coerce.ts'
import { unsupported, type CompileContext, type Expr } from './types.ts'

type CompileNode = (node: Node) => Expr

/** Compiles a date function's call. */
export type DateCompiler = (
  args: readonly Node[],
  compile: CompileNode,
  ctx: CompileContext,
) => Expr

const UNIT_MS: Readonly<Partial<Record<DateUnit, number>>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
}

/** JS Date's range: ±8.64e15 ms; beyond it DATEADD is an error. */
const MAX_DATE_MS = 8.64e15
/** Instants whose day number Postgres dates hold (JS Date's whole range does not fit). */
const SAFE_MS = 8_000_000_000_000_000

/** A date argument: its ms (float8) and when it is an error. */
export interface DateArg {
  readonly ms: string
  readonly err?: string | undefined
  readonly unsure?: string | undefined
}

/** Compiles a date argument (dates.ts toDateMs). */
export function dateArg(params: SqlParams, node: Node, compile: CompileNode): DateArg {
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

/** A literal unit argument, `fallback` when absent; undefined for a unit Airtable rejects. */
function literalUnit(node: Node | undefined, fallback: DateUnit): DateUnit | undefined {
  if (node === undefined) return fallback
  if (node.kind !== 'string') return unsupported('a computed unit')
  return dateUnit(node.value)
}

const dateOf = (ms: string): string => `airsync_utc_date(${ms})`
const msOfDay = (ms: string): string => `airsync_ms_of_day(${ms})`

const PARTS: Readonly<Record<string, (ms: string) => string>> = {
  YEAR: (ms) => `extract(year from ${dateOf(ms)})`,
  MONTH: (ms) => `extract(month from ${dateOf(ms)})`,
  DAY: (ms) => `extract(day from ${dateOf(ms)})`,
  HOUR: (ms) => `floor(${msOfDay(ms)} / 3600000)`,
  MINUTE: (ms) => `mod(floor(${msOfDay(ms)} / 60000)::int, 60)`,
  SECOND: (ms) => `mod(floor(${msOfDay(ms)} / 1000)::int, 60)`,
}

/** A number computed from an in-range instant; out of Postgres's date range it is unsure. */
function ofInstant(d: DateArg, value: string, extra?: Pick<Expr, 'err' | 'unsure'>): Expr {
  const inRange = `abs(${d.ms}) < ${SAFE_MS}`
  return {
    type: 'number',
    sql: `(CASE WHEN ${inRange} THEN ${value} END)::float8`,
    err: anyOf(d.err, extra?.err),
    unsure: anyOf(d.unsure, extra?.unsure, `NOT COALESCE(${inRange}, true)`),
  }
}

function part(name: string): DateCompiler {
  const fn = PARTS[name]
  if (fn === undefined) throw new Error(`no part ${name}`)
  return (args, compile, ctx) => {
    const d = dateArg(ctx.params, args[0] as Node, compile)
    return ofInstant(d, fn(d.ms))
  }
}

/** WEEKDAY(date, [start]): a literal start day ('sunday', 'monday', blank). */
const weekday: DateCompiler = (args, compile, ctx) => {
  const d = dateArg(ctx.params, args[0] as Node, compile)
  const start = args[1]
  let monday = false
  let err: string | undefined
  if (start !== undefined) {
    if (start.kind !== 'string') return unsupported('a computed week start')
    const name = start.value.trim().toLowerCase()
    monday = name === 'monday'
    if (!monday && name !== 'sunday' && name !== '') err = 'true'
  }
  const dow = `extract(dow from ${dateOf(d.ms)})`
  return ofInstant(d, monday ? `mod(${dow}::int + 6, 7)` : dow, { err })
}

const diff: DateCompiler = (args, compile, ctx) => {
  const unit = literalUnit(args[2], 's')
  const unitMs = unit === undefined ? undefined : UNIT_MS[unit]
  if (unit !== undefined && unitMs === undefined) return unsupported('calendar units')
  const a = dateArg(ctx.params, args[0] as Node, compile)
  const b = dateArg(ctx.params, args[1] as Node, compile)
  const err = anyOf(a.err, b.err, unit === undefined ? 'true' : undefined)
  // dayjs: whole units of (a − b), truncated toward zero (ms: the plain difference).
  const value = unitMs === 1 ? `(${a.ms} - ${b.ms})` : `trunc((${a.ms} - ${b.ms}) / ${unitMs ?? 1})`
  return { type: 'number', sql: value, err, unsure: anyOf(a.unsure, b.unsure) }
}

function relation(op: '<' | '>'): DateCompiler {
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

/** JS Math.round (ties toward +∞), exactly: `floor(x + 0.5)` rounds wrongly near 0.5. */
function jsRound(x: string): string {
  return `(CASE WHEN ${x} - floor(${x}) >= 0.5 THEN ceil(${x}) ELSE floor(${x}) END)`
}

/** DATEADD with a literal fixed unit (dayjs add: days round the amount, time units do not). */
const dateAdd: DateCompiler = (args, compile, ctx) => {
  const p = ctx.params
  const unit = literalUnit(args[2], 'd')
  const unitMs = unit === undefined ? undefined : UNIT_MS[unit]
  if (unit !== undefined && unitMs === undefined) return unsupported('calendar units')
  const d = dateArg(p, args[0] as Node, compile)
  const n = toNumber(p, compile(args[1] as Node))
  const amount = `COALESCE(${n.sql}, 0)`
  let result: string
  if (unit === 'ms') result = `(${d.ms} + ${jsRound(amount)})`
  else if (unit === 'd' || unit === 'w') {
    result = `(${d.ms} + ${jsRound(`(${amount} * ${unit === 'd' ? 1 : 7})`)} * ${DAY_MS})`
  } else result = `trunc(${d.ms} + ${amount} * ${unitMs ?? 0})`
  // Time units go through `new Date` (its range); ms only has to stay finite (functions/date.ts).
  const limit = unit === 'ms' ? p.number(Infinity) : String(MAX_DATE_MS)
  const outside = `NOT (abs(${result}) ${unit === 'ms' ? '<' : '<='} ${limit})`
  const badAmount = `(${amount} = ${nan(p)} OR abs(${amount}) = ${p.number(Infinity)})`
  return {
    type: 'datetime',
    sql: `(CASE WHEN NOT ${outside} THEN ${result} END)`,
    err: anyOf(d.err, n.err, unit === undefined ? 'true' : undefined, badAmount, outside),
    unsure: anyOf(d.unsure, n.unsure),
  }
}

/** The UTC bucket of an instant for IS_SAME (weeks start on Sunday, dayjs's default). */
function bucket(ms: string, unit: DateUnit): string {
  const date = dateOf(ms)
  switch (unit) {
    case 'ms':
      return ms
    case 's':
    case 'm':
    case 'h':
    case 'd':
      return `floor(${ms} / ${UNIT_MS[unit] ?? 1})`
    case 'w':
      return `floor((floor(${ms} / ${DAY_MS}) + 4) / 7)`
    case 'M':
      return `(extract(year from ${date}) * 12 + extract(month from ${date}))`
    case 'Q':
      return `(extract(year from ${date}) * 4 + extract(quarter from ${date}))`
    case 'y':
      return `extract(year from ${date})`
  }
}

const isSame: DateCompiler = (args, compile, ctx) => {
  const unit = literalUnit(args[2], 'ms')
  const a = dateArg(ctx.params, args[0] as Node, compile)
  const b = dateArg(ctx.params, args[1] as Node, compile)
  const inRange = `(abs(${a.ms}) < ${SAFE_MS} AND abs(${b.ms}) < ${SAFE_MS})`
  const same = unit === undefined ? 'false' : `${bucket(a.ms, unit)} = ${bucket(b.ms, unit)}`
  return {
    type: 'bool',
    // CASE, not AND: Postgres may evaluate AND's operands in any order, and the day number
    // cast raises outside the range.
    sql: `COALESCE(CASE WHEN ${inRange} THEN ${same} END, false)`,
    err: anyOf(a.err, b.err, unit === undefined ? 'true' : undefined),
    unsure: anyOf(a.unsure, b.unsure, `NOT COALESCE(${inRange}, true)`),
  }
}

/** TONOW/FROMNOW: whole days between now and the date, either direction. */
const daysFromNow: DateCompiler = (args, compile, ctx) => {
  const d = dateArg(ctx.params, args[0] as Node, compile)
  const now = ctx.params.number(ctx.options.nowMs)
  return {
    type: 'number',
    sql: `trunc(abs(${now} - ${d.ms}) / ${DAY_MS})`,
    err: d.err,
    unsure: d.unsure,
  }
}

const DATE_COMPILERS: ReadonlyMap<string, DateCompiler> = new Map<string, DateCompiler>([
  ...['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'].map((name): [string, DateCompiler] => [
    name,
    part(name),
  ]),
  ['WEEKDAY', weekday],
  ['DATETIME_DIFF', diff],
  ['DATEADD', dateAdd],
  ['IS_BEFORE', relation('<')],
  ['IS_AFTER', relation('>')],
  ['IS_SAME', isSame],
  ['TONOW', daysFromNow],
  ['FROMNOW', daysFromNow],
  ['DATETIME_FORMAT', formatFunction('DATETIME_FORMAT', dateArg)],
  ['DATESTR', formatFunction('DATESTR', dateArg)],
  ['TIMESTR', formatFunction('TIMESTR', dateArg)],
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
