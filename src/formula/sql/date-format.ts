/**
 * DATETIME_FORMAT, DATESTR and TIMESTR → `to_char` over the UTC timestamp, for literal formats
 * made of the common dayjs tokens (table below) and literal text; any other token, a computed
 * format, or an instant outside years 1000–9999 (where padding rules differ) stays with JS.
 * The translated pattern travels as a parameter like any text derived from the formula.
 */
import type { Node } from '../ast.ts'
import { anyOf, type SqlParams } from './fragment.ts'
import { unsupported, type CompileContext, type Expr } from './types.ts'

/** dayjs token → to_char pattern (FM drops to_char's padding where dayjs does not pad). */
const TOKENS: ReadonlyMap<string, string> = new Map([
  ['YYYY', 'YYYY'],
  ['YY', 'YY'],
  ['MM', 'MM'],
  ['M', 'FMMM'],
  ['DD', 'DD'],
  ['D', 'FMDD'],
  ['HH', 'HH24'],
  ['H', 'FMHH24'],
  ['hh', 'HH12'],
  ['h', 'FMHH12'],
  ['mm', 'MI'],
  ['m', 'FMMI'],
  ['ss', 'SS'],
  ['s', 'FMSS'],
  ['SSS', 'MS'],
  ['A', 'AM'],
  ['a', 'am'],
])
/** A bracketed literal, a run of one letter (a token only if the table has the whole run), or
 * one other character (a literal); `T` is literal to dayjs too. */
const TOKEN = /^(?:\[([^\]]+)\]|([A-Za-z])\2*|[^[])/

/** A dayjs format → a to_char pattern, or undefined when it uses anything else. */
export function toCharPattern(format: string): string | undefined {
  let out = ''
  let rest = format
  while (rest.length > 0) {
    const match = TOKEN.exec(rest)
    if (match === null) return undefined
    const token = match[0]
    const mapped = TOKENS.get(token)
    if (mapped !== undefined) out += mapped
    else if (match[2] !== undefined && token !== 'T') return undefined
    else {
      const literal = match[1] ?? token
      if (/["\\]/.test(literal)) return undefined
      out += `"${literal}"`
    }
    rest = rest.slice(token.length)
  }
  return out
}

const DEFAULT_UTC_FORMAT = 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'
const FIXED: Readonly<Record<string, string>> = { DATESTR: 'YYYY-MM-DD', TIMESTR: 'HH:mm:ss' }
const ISO_MIN_MS = Date.UTC(1000, 0, 1)
const ISO_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

type DateArgOf = (
  params: SqlParams,
  node: Node,
  compile: (node: Node) => Expr,
) => { ms: string; err?: string | undefined; unsure?: string | undefined }

/** The compiler of DATETIME_FORMAT, DATESTR or TIMESTR, given dates.ts's argument reader. */
export function formatFunction(
  name: string,
  dateArg: DateArgOf,
): (args: readonly Node[], compile: (node: Node) => Expr, ctx: CompileContext) => Expr {
  return (args, compile, { params }) => {
    const formatNode = args[1]
    let format = FIXED[name] ?? DEFAULT_UTC_FORMAT
    if (formatNode !== undefined) {
      if (formatNode.kind !== 'string') return unsupported('a computed format')
      format = formatNode.value
    }
    const pattern = format === '' ? undefined : toCharPattern(format)
    if (pattern === undefined) return unsupported('a format with uncommon tokens')
    const d = dateArg(params, args[0] as Node, compile)
    const outside = `(${d.ms} < ${params.number(ISO_MIN_MS)} OR ${d.ms} > ${params.number(ISO_MAX_MS)} OR ${d.ms} <> floor(${d.ms}))`
    return {
      type: 'text',
      sql: `(CASE WHEN ${outside} THEN ${params.text('')} ELSE to_char(airsync_utc(${d.ms}), ${params.text(pattern)}) END)`,
      err: d.err,
      unsure: anyOf(d.unsure, `COALESCE(${outside}, false)`),
    }
  }
}
