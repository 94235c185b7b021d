/**
 * Text functions (airtable-formula.md §9.1). Positions are 1-based; every argument goes through
 * toText first, so numbers, blanks, multi-selects and lookups read as their text.
 */
import type { FormulaValue } from '../types.ts'
import { errorValue, numericText } from '../values.ts'
import { checkLength, fail, int, text } from './args.ts'
import { eager, type FormulaFunction } from './registry.ts'

const VARIADIC = Infinity

/** FIND/SEARCH: 1-based position of needle at or after `start` (1-based; 0 = from the start). */
function position(args: readonly FormulaValue[], caseInsensitive: boolean): number {
  let needle = text(args[0])
  let haystack = text(args[1])
  if (haystack === '') return 0
  if (caseInsensitive) {
    needle = needle.toLowerCase()
    haystack = haystack.toLowerCase()
  }
  const start = Math.max(int(args[2], 0) - 1, 0)
  return haystack.indexOf(needle, start) + 1
}

function count(value: FormulaValue | undefined): number {
  const n = int(value, 1)
  if (n < 0) fail('negative count')
  return n
}

/** `$1,000,000` → 1000000; `50%` → 0.5 (§9.1: `-`/`%` are Airtable's weak spots [?]). */
function parseValue(value: FormulaValue | undefined): FormulaValue {
  if (typeof value === 'number' || value === null) return value
  const raw = text(value).trim()
  if (raw === '') return null
  const percent = raw.endsWith('%')
  const cleaned = (percent ? raw.slice(0, -1) : raw).replace(/[\s,$€£¥]/g, '')
  const n = numericText(cleaned)
  if (n === undefined) return errorValue(`VALUE: not a number: ${JSON.stringify(raw)}`)
  return percent ? n / 100 : n
}

function substitute(args: readonly FormulaValue[]): string {
  const source = text(args[0])
  const old = text(args[1])
  const replacement = text(args[2])
  if (old === '') return source
  if (args[3] === undefined) return checkLength(source.split(old).join(replacement))
  const nth = int(args[3])
  if (nth < 1) return source
  let at = -1
  for (let i = 0; i < nth; i++) {
    at = source.indexOf(old, at < 0 ? 0 : at + old.length)
    if (at < 0) return source
  }
  return source.slice(0, at) + replacement + source.slice(at + old.length)
}

export const TEXT_FUNCTIONS: readonly FormulaFunction[] = [
  eager('CONCATENATE', [1, VARIADIC], (args) => checkLength(args.map((a) => text(a)).join(''))),
  eager('FIND', [2, 3], (args) => position(args, false)),
  eager('SEARCH', [2, 3], (args, context) => {
    const found = position(args, context.options?.searchCaseInsensitive === true)
    return found === 0 ? null : found
  }),
  eager('LEFT', [1, 2], (args) => text(args[0]).slice(0, count(args[1]))),
  eager('RIGHT', [1, 2], (args) => {
    const n = count(args[1])
    const s = text(args[0])
    return n === 0 ? '' : s.slice(Math.max(s.length - n, 0))
  }),
  eager('MID', [3, 3], (args, context) => {
    const base = context.options?.midZeroBased === true ? 0 : 1
    const start = Math.max(int(args[1]) - base, 0)
    return text(args[0]).slice(start, start + count(args[2]))
  }),
  eager('LEN', [1, 1], (args) => text(args[0]).length),
  eager('LOWER', [1, 1], (args) => text(args[0]).toLowerCase()),
  eager('UPPER', [1, 1], (args) => text(args[0]).toUpperCase()),
  // Leading and trailing whitespace only; inner runs stay (§9.1 doc wording [?]).
  eager('TRIM', [1, 1], (args) => text(args[0]).trim()),
  eager('REPT', [2, 2], (args) => {
    const s = text(args[0])
    const n = count(args[1])
    if (s.length * n > 1_000_000) fail('text too long')
    return s.repeat(n)
  }),
  eager('SUBSTITUTE', [3, 4], substitute),
  eager('REPLACE', [4, 4], (args) => {
    const s = text(args[0])
    const start = Math.max(int(args[1]) - 1, 0)
    const end = start + count(args[2])
    return checkLength(s.slice(0, start) + text(args[3]) + s.slice(end))
  }),
  eager('T', [1, 1], ([v]) => (typeof v === 'string' ? v : null)),
  eager('VALUE', [1, 1], ([v]) => parseValue(v)),
  eager('ENCODE_URL_COMPONENT', [1, 1], (args) => {
    try {
      return encodeURIComponent(text(args[0]))
    } catch {
      return fail('text cannot be URL-encoded')
    }
  }),
]
