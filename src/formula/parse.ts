/**
 * Formula text → AST by precedence climbing (airtable-formula.md §2, Excel order):
 * unary `-` > `* /` > `+ -` > `&` > `< > <= >=` > `= !=`, all binary operators left-associative.
 * Invariants: every node carries the span of the text it came from; a parenthesised expression has
 * the span of its inside (parentheses are not nodes); function names are upper-cased; the tree is
 * at most MAX_DEPTH deep so that evaluation can never overflow the stack.
 */
import type { BinaryOperator, Node } from './ast.ts'
import { FormulaError } from './errors.ts'
import { tokenize, type Token } from './lexer.ts'

/** Parser behaviour the reference marks uncertain. */
export interface ParseOptions {
  /**
   * Put `&` below the comparisons (teable, APITable) instead of between `+ -` and them (Excel).
   * Levels 5-7 are undocumented (§2 [?]). @default false
   */
  concatBelowComparison?: boolean
}

/** Deepest tree accepted; deeper formulas are rejected rather than risking a stack overflow. */
export const MAX_DEPTH = 1000

const BINDING: Readonly<Record<BinaryOperator, number>> = {
  '=': 1,
  '!=': 1,
  '<': 2,
  '>': 2,
  '<=': 2,
  '>=': 2,
  '&': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
}
const CONCAT_LOW = 0.5
const UNARY = 6

interface Parsed {
  readonly node: Node
  readonly depth: number
}

/** Parses formula text to an AST; throws FormulaError naming the position and the problem. */
export function parseFormula(text: string, options: ParseOptions = {}): Node {
  const tokens = tokenize(text)
  const parser = new Parser(text, tokens, options.concatBelowComparison === true)
  const first = tokens[0]
  if (first?.type === 'eof') throw new FormulaError('The formula is empty', 0)
  const { node } = parser.expression(0)
  parser.expectEnd()
  return node
}

class Parser {
  #i = 0
  #level = 0
  readonly #text: string
  readonly #tokens: readonly Token[]
  readonly #concatLow: boolean

  constructor(text: string, tokens: readonly Token[], concatLow: boolean) {
    this.#text = text
    this.#tokens = tokens
    this.#concatLow = concatLow
  }

  expression(minBinding: number): Parsed {
    // Counted on the way down too: a long run of `(` or `-` must not overflow the stack first.
    this.#level++
    if (this.#level > MAX_DEPTH) throw this.#tooDeep(this.#peek())
    try {
      return this.#climb(minBinding)
    } finally {
      this.#level--
    }
  }

  #climb(minBinding: number): Parsed {
    let left = this.#prefix()
    for (;;) {
      const token = this.#peek()
      if (token.type !== 'op') return left
      const op = token.text as BinaryOperator
      const binding = this.#binding(op)
      if (binding < minBinding) return left
      this.#i++
      // Left-associative: the right side binds strictly tighter than this operator.
      const right = this.expression(binding + 0.01)
      left = this.#checkDepth(
        {
          kind: 'binary',
          op,
          left: left.node,
          right: right.node,
          span: { start: left.node.span.start, end: right.node.span.end },
        },
        Math.max(left.depth, right.depth) + 1,
        token,
      )
    }
  }

  expectEnd(): void {
    const token = this.#peek()
    if (token.type !== 'eof') throw this.#unexpected(token)
  }

  #binding(op: BinaryOperator): number {
    return op === '&' && this.#concatLow ? CONCAT_LOW : BINDING[op]
  }

  #prefix(): Parsed {
    const token = this.#next()
    const span = { start: token.start, end: token.end }
    switch (token.type) {
      case 'number':
        return { node: { kind: 'number', value: Number(token.text), span }, depth: 1 }
      case 'string':
        return { node: { kind: 'string', value: token.text, span }, depth: 1 }
      case 'field':
        return { node: { kind: 'field', name: token.text, braced: true, span }, depth: 1 }
      case 'ident':
        return this.#identifier(token)
      case '(': {
        const inner = this.expression(0)
        this.#expect(')', token)
        return inner
      }
      case 'op': {
        if (token.text !== '-') throw this.#unexpected(token)
        const operand = this.expression(UNARY)
        const node: Node = {
          kind: 'unary',
          op: '-',
          operand: operand.node,
          span: { start: token.start, end: operand.node.span.end },
        }
        return this.#checkDepth(node, operand.depth + 1, token)
      }
      case ')':
      case ',':
      case 'eof':
        throw this.#unexpected(token)
    }
  }

  /** A bare name: a call when `(` follows, bare TRUE/FALSE, else a field name (§1). */
  #identifier(token: Token): Parsed {
    const span = { start: token.start, end: token.end }
    if (this.#peek().type === '(') return this.#call(token)
    const upper = token.text.toUpperCase()
    if (upper === 'TRUE' || upper === 'FALSE') {
      return { node: { kind: 'boolean', value: upper === 'TRUE', span }, depth: 1 }
    }
    return { node: { kind: 'field', name: token.text, braced: false, span }, depth: 1 }
  }

  #call(nameToken: Token): Parsed {
    this.#next() // (
    const args: Node[] = []
    let depth = 0
    if (this.#peek().type === ')') {
      const close = this.#next()
      return this.#checkDepth(this.#callNode(nameToken, args, close), 1, nameToken)
    }
    for (;;) {
      const next = this.#peek()
      if (next.type === ',' || next.type === ')') {
        throw new FormulaError(`Missing argument at position ${next.start}`, next.start)
      }
      const arg = this.expression(0)
      args.push(arg.node)
      depth = Math.max(depth, arg.depth)
      const sep = this.#next()
      if (sep.type === ')') {
        return this.#checkDepth(this.#callNode(nameToken, args, sep), depth + 1, nameToken)
      }
      if (sep.type !== ',') {
        if (sep.type === 'eof') throw this.#unclosed(nameToken, sep)
        throw new FormulaError(
          `Expected "," or ")" but found ${this.#describe(sep)} at position ${sep.start}`,
          sep.start,
        )
      }
    }
  }

  #callNode(nameToken: Token, args: Node[], close: Token): Node {
    return {
      kind: 'call',
      name: nameToken.text.toUpperCase(),
      args,
      span: { start: nameToken.start, end: close.end },
    }
  }

  #checkDepth(node: Node, depth: number, at: Token): Parsed {
    if (depth > MAX_DEPTH) throw this.#tooDeep(at)
    return { node, depth }
  }

  #tooDeep(at: Token): FormulaError {
    return new FormulaError(
      `Formula nested too deeply (more than ${MAX_DEPTH} levels) at position ${at.start}`,
      at.start,
    )
  }

  #expect(type: ')', open: Token): void {
    const token = this.#next()
    if (token.type === type) return
    if (token.type === 'eof') throw this.#unclosed(open, token)
    throw new FormulaError(
      `Expected ")" but found ${this.#describe(token)} at position ${token.start}`,
      token.start,
    )
  }

  #unclosed(open: Token, eof: Token): FormulaError {
    return new FormulaError(
      `Missing ")" at position ${eof.start} for "(" opened at position ${open.start}`,
      eof.start,
    )
  }

  #unexpected(token: Token): FormulaError {
    if (token.type === 'eof') {
      return new FormulaError(`Unexpected end of formula at position ${token.start}`, token.start)
    }
    return new FormulaError(
      `Unexpected token ${this.#describe(token)} at position ${token.start}`,
      token.start,
    )
  }

  #describe(token: Token): string {
    if (token.type === 'eof') return 'end of formula'
    const raw = this.#text.slice(token.start, token.end)
    return JSON.stringify(raw.length > 30 ? `${raw.slice(0, 30)}…` : raw)
  }

  #peek(): Token {
    return this.#tokens[this.#i] ?? this.#eof()
  }

  #next(): Token {
    const token = this.#peek()
    if (token.type !== 'eof') this.#i++
    return token
  }

  #eof(): Token {
    return { type: 'eof', text: '', start: this.#text.length, end: this.#text.length }
  }
}
