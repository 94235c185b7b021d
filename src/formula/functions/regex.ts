/**
 * Regex functions (airtable-formula.md §9.7). Airtable uses RE2, so we do too: re2js, a pure-JS
 * port of RE2/Go regexp, matches in time linear in the text whatever the pattern, so no caller
 * can pin the event loop with a backtracking pattern. Pure JS because this evaluator runs in the
 * server, the emulator and the SDK's lazy chunk alike (a native binding would not load in the
 * browser; a WASM build weighs more and loads asynchronously). RE2 syntax comes with it: leading
 * inline flags `(?i)`, `(?m)`, `(?s)`, named groups `(?P<name>…)`, repeat counts up to 1000 (also
 * nested: `(a{255}){255}` is refused); look-around and backreferences are syntax errors.
 * Compiled patterns are memoised: a filter runs one pattern per record.
 */
import { RE2JS } from 're2js'
import type { FormulaValue } from '../types.ts'
import { errorValue } from '../values.ts'
import { checkLength, fail, text } from './args.ts'
import { eager, type FormulaFunction } from './registry.ts'

const cache = new Map<string, RE2JS | string>()
const CACHE_LIMIT = 500

/** An RE2 pattern compiled, or the reason it is not one. Memoised. */
function compile(pattern: string): RE2JS | string {
  const cached = cache.get(pattern)
  if (cached !== undefined) return cached
  const compiled = compileUncached(pattern)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(pattern, compiled)
  return compiled
}

function compileUncached(pattern: string): RE2JS | string {
  try {
    return RE2JS.compile(pattern)
  } catch (error) {
    // RE2JSSyntaxException's message names the offending construct ("invalid repeat count…").
    return error instanceof Error ? error.message : 'invalid regular expression'
  }
}

function regexArg(value: FormulaValue | undefined): RE2JS {
  const compiled = compile(text(value))
  if (typeof compiled === 'string') return fail(compiled)
  return compiled
}

export const REGEX_FUNCTIONS: readonly FormulaFunction[] = [
  // Unanchored: matches anywhere unless the pattern says ^…$ [doc].
  eager('REGEX_MATCH', [2, 2], (args) => regexArg(args[1]).test(text(args[0]))),
  eager('REGEX_EXTRACT', [2, 2], (args, context) => {
    const match = regexArg(args[1]).exec(text(args[0]))
    if (match !== null) return String(match[0])
    const blank = context.options?.regexExtractNoMatch === 'blank'
    return blank ? null : errorValue('REGEX_EXTRACT: no match')
  }),
  // Replaces every match [doc]; `$1`, `$&`, `$$` in the replacement as in JS's String.replace.
  eager('REGEX_REPLACE', [3, 3], (args) =>
    checkLength(regexArg(args[1]).matcher(text(args[0])).replaceAll(text(args[2]))),
  ),
]
