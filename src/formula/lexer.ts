/**
 * Formula text → tokens with positions (airtable-formula.md §1, §2). Rejects at once what Airtable
 * rejects lexically: unterminated strings/braces/comments, smart quotes, and the operators people
 * bring from other languages (`&&`, `||`, `!`, `%`, `^`, `<>`, `==`).
 */
import { FormulaError } from './errors.ts'

export type TokenType = 'number' | 'string' | 'field' | 'ident' | 'op' | '(' | ')' | ',' | 'eof'

/** A token; `text` is the decoded value (string contents, field name, operator, identifier). */
export interface Token {
  readonly type: TokenType
  readonly text: string
  readonly start: number
  readonly end: number
}

/** Operators written with several characters that Airtable does not have, and what to use. */
const FOREIGN_OPERATORS: ReadonlyMap<string, string> = new Map([
  ['&&', 'AND()'],
  ['||', 'OR()'],
  ['==', '='],
  ['<>', '!='],
])
const FOREIGN_CHARS: ReadonlyMap<string, string> = new Map([
  ['!', 'NOT()'],
  ['|', 'OR()'],
  ['%', 'MOD()'],
  ['^', 'POWER()'],
])
const SMART_QUOTES = new Set(['\u2018', '\u2019', '\u201c', '\u201d'])
const IDENT_START = /[\p{L}_]/u
const IDENT_PART = /[\p{L}\p{N}_]/u
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y
const WHITESPACE = /\s/

/** Escapes inside string literals; any other `\x` keeps its backslash (`"\D"` is `\D`). */
const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
}

/** Splits formula text into tokens; the last one is always `eof`. Throws FormulaError. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text.charAt(i)
    if (WHITESPACE.test(c)) {
      i++
    } else if (c === '/' && text.charAt(i + 1) === '/') {
      const nl = text.indexOf('\n', i)
      i = nl === -1 ? text.length : nl + 1
    } else if (c === '/' && text.charAt(i + 1) === '*') {
      const close = text.indexOf('*/', i + 2)
      if (close === -1) throw new FormulaError(`Unterminated comment starting at position ${i}`, i)
      i = close + 2
    } else {
      const token = readToken(text, i)
      tokens.push(token)
      i = token.end
    }
  }
  tokens.push({ type: 'eof', text: '', start: text.length, end: text.length })
  return tokens
}

function readToken(text: string, start: number): Token {
  const c = text.charAt(start)
  const two = text.slice(start, start + 2)
  const foreign = FOREIGN_OPERATORS.get(two)
  if (foreign !== undefined) {
    throw new FormulaError(
      `Invalid operator "${two}" at position ${start}; use ${foreign} instead`,
      start,
    )
  }
  if (two === '!=' || two === '<=' || two === '>=')
    return { type: 'op', text: two, start, end: start + 2 }
  if ('+-*/&=<>'.includes(c)) return { type: 'op', text: c, start, end: start + 1 }
  if (c === '(' || c === ')' || c === ',') return { type: c, text: c, start, end: start + 1 }
  if (c === '"' || c === "'") return readString(text, start)
  if (c === '{') return readBraced(text, start)
  NUMBER.lastIndex = start
  const number = NUMBER.exec(text)
  if (number !== null) {
    return { type: 'number', text: number[0], start, end: start + number[0].length }
  }
  if (IDENT_START.test(c)) {
    let end = start + 1
    while (end < text.length && IDENT_PART.test(text.charAt(end))) end++
    return { type: 'ident', text: text.slice(start, end), start, end }
  }
  const hint = FOREIGN_CHARS.get(c)
  if (hint !== undefined) {
    throw new FormulaError(
      `Invalid operator "${c}" at position ${start}; use ${hint} instead`,
      start,
    )
  }
  if (SMART_QUOTES.has(c)) {
    throw new FormulaError(
      `Smart quote ${c} at position ${start}; strings need straight quotes (" or ')`,
      start,
    )
  }
  throw new FormulaError(`Unexpected character "${c}" at position ${start}`, start)
}

function readString(text: string, start: number): Token {
  const quote = text.charAt(start)
  let value = ''
  let i = start + 1
  while (i < text.length) {
    const c = text.charAt(i)
    if (c === quote) return { type: 'string', text: value, start, end: i + 1 }
    if (c === '\\' && i + 1 < text.length) {
      const next = text.charAt(i + 1)
      value += STRING_ESCAPES[next] ?? c + next
      i += 2
    } else {
      value += c
      i++
    }
  }
  throw new FormulaError(`Unterminated string starting at position ${start}`, start)
}

/** `{Field Name}`: `\}` is `}` and `\\` is `\`; any other character is literal (§1 [?]). */
function readBraced(text: string, start: number): Token {
  let name = ''
  let i = start + 1
  while (i < text.length) {
    const c = text.charAt(i)
    if (c === '}') {
      if (name === '') throw new FormulaError(`Empty field name at position ${start}`, start)
      return { type: 'field', text: name, start, end: i + 1 }
    }
    const next = text.charAt(i + 1)
    if (c === '\\' && (next === '}' || next === '\\')) {
      name += next
      i += 2
    } else {
      name += c
      i++
    }
  }
  throw new FormulaError(`Unterminated field reference starting at position ${start}`, start)
}
