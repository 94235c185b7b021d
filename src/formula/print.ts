/**
 * AST → canonical formula text: double-quoted strings, braced fields unless written bare, function
 * names upper-case, spaces around binary operators, parentheses only where precedence needs them.
 * Invariant: for every AST parseFormula produced, parseFormula(printFormula(ast)) equals it except
 * for spans. (Negative or non-finite number literals, which the parser never produces, are printed
 * as the expressions that compute them.)
 */
import type { BinaryOperator, Node } from './ast.ts'

const LEVEL: Readonly<Record<BinaryOperator, number>> = {
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
const BARE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u

/** Prints an AST as formula text that parses back to the same tree (spans aside). */
export function printFormula(node: Node): string {
  switch (node.kind) {
    case 'number':
      return printNumber(node.value)
    case 'string':
      return `"${node.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
    case 'boolean':
      return node.value ? 'TRUE' : 'FALSE'
    case 'field':
      return node.braced || !isBareName(node.name)
        ? `{${node.name.replace(/[\\}]/g, (c) => `\\${c}`)}}`
        : node.name
    case 'call':
      return `${node.name}(${node.args.map(printFormula).join(', ')})`
    case 'unary': {
      const operand = printFormula(node.operand)
      return node.operand.kind === 'binary' || operand.startsWith('-')
        ? `-(${operand})`
        : `-${operand}`
    }
    case 'binary': {
      const level = LEVEL[node.op]
      const left = printOperand(node.left, level, false)
      const right = printOperand(node.right, level, true)
      return `${left} ${node.op} ${right}`
    }
  }
}

/** A bare name prints bare only when it would not read back as something else. */
function isBareName(name: string): boolean {
  const upper = name.toUpperCase()
  return BARE_NAME.test(name) && upper !== 'TRUE' && upper !== 'FALSE'
}

function printOperand(node: Node, parentLevel: number, isRight: boolean): string {
  const text = printFormula(node)
  if (node.kind !== 'binary') return text
  const level = LEVEL[node.op]
  // Left-associative: an equal-level operator on the right needs parentheses, on the left not.
  const needs = level < parentLevel || (isRight && level === parentLevel)
  return needs ? `(${text})` : text
}

function printNumber(value: number): string {
  if (Number.isNaN(value)) return '(0 / 0)'
  if (value === Infinity) return '(1 / 0)'
  if (value === -Infinity) return '(-1 / 0)'
  if (value < 0 || Object.is(value, -0)) return `(-${printNumber(-value)})`
  return String(value)
}
