/**
 * Regex functions (airtable-formula.md §9.7). Airtable uses RE2; we run JS RegExp after turning
 * away what RE2 lacks (look-around, backreferences), so a pattern Airtable would reject errors
 * here too, and after translating RE2's leading inline flags `(?i)`, `(?m)`, `(?s)` and named
 * groups `(?P<name>…)`. Compiled patterns are memoised: a filter runs one pattern per record.
 */
import type { FormulaValue } from '../types.ts'
import { errorValue } from '../values.ts'
import { checkLength, fail, text } from './args.ts'
import { eager, type FormulaFunction } from './registry.ts'

const UNSUPPORTED = /\(\?<?[=!]|\\[1-9]|\\k</
const LEADING_FLAGS = /^\(\?([ims]+)\)/
const cache = new Map<string, RegExp | string>()
const CACHE_LIMIT = 500

/** A global RegExp for an RE2 pattern, or the reason it is not one. Memoised. */
function compile(pattern: string): RegExp | string {
  const cached = cache.get(pattern)
  if (cached !== undefined) return cached
  const compiled = compileUncached(pattern)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(pattern, compiled)
  return compiled
}

function compileUncached(pattern: string): RegExp | string {
  if (UNSUPPORTED.test(pattern)) return 'look-around and backreferences are not RE2 syntax'
  let source = pattern
  let flags = 'g'
  const leading = LEADING_FLAGS.exec(source)
  if (leading !== null) {
    flags += [...new Set(leading[1] ?? '')].join('')
    source = source.slice(leading[0].length)
  }
  source = source.replace(/\(\?P</g, '(?<')
  for (const unicode of ['u', '']) {
    try {
      return new RegExp(source, flags + unicode)
    } catch {
      // Not valid with the `u` flag (e.g. `\-` outside a class): retry without it.
    }
  }
  return 'invalid regular expression'
}

function regexArg(value: FormulaValue | undefined): RegExp {
  const compiled = compile(text(value))
  if (typeof compiled === 'string') return fail(compiled)
  compiled.lastIndex = 0
  return compiled
}

export const REGEX_FUNCTIONS: readonly FormulaFunction[] = [
  // Unanchored: matches anywhere unless the pattern says ^…$ [doc].
  eager('REGEX_MATCH', [2, 2], (args) => regexArg(args[1]).test(text(args[0]))),
  eager('REGEX_EXTRACT', [2, 2], (args, context) => {
    const match = regexArg(args[1]).exec(text(args[0]))
    if (match !== null) return match[0]
    const blank = context.options?.regexExtractNoMatch === 'blank'
    return blank ? null : errorValue('REGEX_EXTRACT: no match')
  }),
  // Replaces every match [doc].
  eager('REGEX_REPLACE', [3, 3], (args) =>
    checkLength(text(args[0]).replace(regexArg(args[1]), text(args[2]))),
  ),
]
