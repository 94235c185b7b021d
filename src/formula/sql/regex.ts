/**
 * REGEX_MATCH → Postgres `~` for literal patterns in a subset where JavaScript's RegExp (what the
 * evaluator runs, functions/regex.ts) and Postgres's ARE agree on whether a text matches: ASCII
 * literals and escaped punctuation, `.` (rewritten to exclude JS's line terminators), `^ $`,
 * groups `( )` `(?: )`, `|`, bracket classes of ASCII characters and ranges, `\d \D \w \W \s`
 * (rewritten to explicit ASCII / JS whitespace classes), and quantifiers `* + ? {n} {n,} {n,m}`
 * (lazy forms too: only whether a match exists matters). Anything else — flags, look-around,
 * backreferences, Unicode escapes, named groups — is unsupported and runs in JS.
 * REGEX_EXTRACT and REGEX_REPLACE stay in JS: which text matches (leftmost-first in JS,
 * leftmost-longest in Postgres) decides their results.
 */
import { JS_WHITESPACE_CHARS } from './coerce.ts'

const LINE_TERMINATORS = '\\n\\r\\u2028\\u2029'
const CLASS_ESCAPES: Readonly<Record<string, string>> = {
  d: '0-9',
  w: 'A-Za-z0-9_',
  s: [...JS_WHITESPACE_CHARS]
    .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join(''),
}
/** Punctuation JS's `u` mode lets a backslash escape (so the evaluator keeps `u`); `-` only in a class. */
const ESCAPABLE = new Set([...'.^$|?*+()[]{}\\/'])
const LITERAL = /^[A-Za-z0-9 !"#%&',:;<=>@_`~/-]$/
const MAX_REPEAT = 255

/** A JS pattern → an equivalent ARE for matching, or undefined outside the subset. */
export function toPostgresRegex(pattern: string): string | undefined {
  let out = ''
  let i = 0
  let depth = 0
  let atomBefore = false
  while (i < pattern.length) {
    const c = pattern[i] as string
    const rest = pattern.slice(i)
    const quantifier = /^(?:[*+?]|\{(\d{1,3})(,(\d{1,3})?)?\})\??/.exec(rest)
    if (quantifier !== null && c !== '(' && c !== '[') {
      const [whole, min, , max] = quantifier
      if (!atomBefore) return undefined
      if (Number(min ?? 0) > MAX_REPEAT || Number(max ?? 0) > MAX_REPEAT) return undefined
      if (max !== undefined && Number(max) < Number(min)) return undefined
      out += whole.endsWith('?') && whole !== '?' ? whole.slice(0, -1) : whole
      i += whole.length
      atomBefore = false
      continue
    }
    if (c === '[') {
      const cls = bracket(rest)
      if (cls === undefined) return undefined
      out += cls.sql
      i += cls.length
      atomBefore = true
      continue
    }
    if (c === '\\') {
      const next = pattern[i + 1] ?? ''
      const escaped = escape(next)
      if (escaped === undefined) return undefined
      out += escaped
      i += 2
      atomBefore = true
      continue
    }
    if (rest.startsWith('(?:')) {
      out += '(?:'
      i += 3
      depth++
      atomBefore = false
      continue
    }
    i++
    switch (c) {
      case '(':
        if (pattern[i] === '?') return undefined
        depth++
        out += c
        atomBefore = false
        break
      case ')':
        if (depth === 0) return undefined
        depth--
        out += c
        atomBefore = true
        break
      case '|':
      case '^':
      case '$':
        out += c
        atomBefore = false
        break
      case '.':
        out += `[^${LINE_TERMINATORS}]`
        atomBefore = true
        break
      default:
        if (!LITERAL.test(c)) return undefined
        out += /[A-Za-z0-9 ]/.test(c) ? c : `\\${c}`
        atomBefore = true
    }
  }
  return depth === 0 ? out : undefined
}

function escape(next: string): string | undefined {
  const cls = CLASS_ESCAPES[next.toLowerCase()]
  if (cls !== undefined) return next === next.toLowerCase() ? `[${cls}]` : `[^${cls}]`
  return ESCAPABLE.has(next) ? `\\${next}` : undefined
}

/** A bracket class of ASCII literals, ranges and \\d \\w \\s; undefined otherwise. */
function bracket(text: string): { sql: string; length: number } | undefined {
  let i = 1
  let out = '['
  if (text[i] === '^') {
    out += '^'
    i++
  }
  let previous = '' // the last plain literal, which a `-` may start a range from
  let items = 0
  while (i < text.length && text[i] !== ']') {
    const c = text[i] as string
    const next = text[i + 1] ?? ''
    if (c === '\\') {
      const cls = CLASS_ESCAPES[next]
      if (cls !== undefined) out += cls
      else if (ESCAPABLE.has(next) || next === '-') out += `\\${next}`
      else return undefined
      previous = ''
      i += 2
    } else if (c === '-') {
      // A dash is a range only between two plain alphanumerics, in order.
      if (!/^[A-Za-z0-9]$/.test(previous) || !/^[A-Za-z0-9]$/.test(next) || previous > next) {
        return undefined
      }
      out += `-${next}`
      previous = ''
      i += 2
    } else if (c !== '[' && LITERAL.test(c)) {
      out += /[A-Za-z0-9 ]/.test(c) ? c : `\\${c}`
      previous = c
      i++
    } else return undefined
    items++
  }
  if (text[i] !== ']' || items === 0) return undefined
  return { sql: `${out}]`, length: i + 1 }
}
