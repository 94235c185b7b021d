/**
 * Parse + validate a formula against a table, as Airtable does before evaluating a
 * filterByFormula (airtable-formula.md §8, §10): unknown functions, unknown fields, wrong arity.
 * Messages are the part after `The formula for filtering records is invalid: `, which callers add.
 */
import type { Node } from './ast.ts'
import { FormulaError } from './errors.ts'
import { describeArity, FUNCTIONS } from './functions/index.ts'
import { parseFormula, type ParseOptions } from './parse.ts'
import type { CheckOptions } from './types.ts'

/**
 * Parses and validates against a table: known functions, arity, field names (exact,
 * case-sensitive; names or IDs as `hasField` allows). Throws FormulaError with Airtable's message,
 * e.g. `Unknown field names: firstname, lastname` (lower-cased, as Airtable writes them).
 */
export function checkFormula(text: string, options: CheckOptions & ParseOptions): Node {
  const ast = parseFormula(text, options)
  validateFormula(ast, options)
  return ast
}

/** Validates a parsed formula; see checkFormula. */
export function validateFormula(ast: Node, options: CheckOptions): void {
  const unknownFunctions = new Map<string, number>()
  const unknownFields = new Map<string, number>()
  const problems: FormulaError[] = []
  walk(ast, (node) => {
    if (node.kind === 'field' && !options.hasField(node.name)) {
      addOnce(unknownFields, node.name.toLowerCase(), node.span.start)
    }
    if (node.kind !== 'call') return
    const fn = FUNCTIONS.get(node.name)
    if (fn === undefined) {
      addOnce(unknownFunctions, node.name.toLowerCase(), node.span.start)
      return
    }
    const count = node.args.length
    if (count < fn.minArgs || count > fn.maxArgs) {
      problems.push(
        new FormulaError(
          `Wrong number of arguments to ${node.name}(): expected ${describeArity(fn)}, got ${count} at position ${node.span.start}`,
          node.span.start,
        ),
      )
    }
    if (fn.kind === 'fields') {
      const bad = node.args.find((arg) => arg.kind !== 'field')
      if (bad !== undefined) {
        problems.push(
          new FormulaError(
            `${node.name}() takes field references at position ${bad.span.start}`,
            bad.span.start,
          ),
        )
      }
    }
  })
  if (unknownFunctions.size > 0) throw listError('Unknown function names', unknownFunctions)
  if (unknownFields.size > 0) throw listError('Unknown field names', unknownFields)
  const first = problems[0]
  if (first !== undefined) throw first
}

function addOnce(names: Map<string, number>, name: string, position: number): void {
  if (!names.has(name)) names.set(name, position)
}

function listError(title: string, names: ReadonlyMap<string, number>): FormulaError {
  const [firstPosition] = names.values()
  return new FormulaError(`${title}: ${[...names.keys()].join(', ')}`, firstPosition)
}

/** Visits every node, parents before children. Iterative: trees may be MAX_DEPTH deep. */
export function walk(root: Node, visit: (node: Node) => void): void {
  const stack: Node[] = [root]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    visit(node)
    switch (node.kind) {
      case 'unary':
        stack.push(node.operand)
        break
      case 'binary':
        stack.push(node.right, node.left)
        break
      case 'call':
        for (let i = node.args.length - 1; i >= 0; i--) {
          const arg = node.args[i]
          if (arg !== undefined) stack.push(arg)
        }
        break
      case 'number':
      case 'string':
      case 'boolean':
      case 'field':
        break
    }
  }
}
