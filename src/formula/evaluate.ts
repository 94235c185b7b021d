/**
 * AST → value. The tree is compiled once into closures (memoised per node), so evaluating a
 * filter over 100,000 records resolves each function name once, not per record. Invariant:
 * evaluate() never throws; runtime problems are error values (§8), which filters treat as false.
 */
import type { BinaryOperator, Node } from './ast.ts'
import { parseDateText } from './dates.ts'
import { FUNCTIONS, RuntimeFailure, type FormulaFunction } from './functions/index.ts'
import type { EvalContext, FormulaErrorValue, FormulaValue } from './types.ts'
import { compare, equals, errorValue, firstError, toNumber, toText } from './values.ts'

type Compiled = (context: EvalContext) => FormulaValue

const compiledByNode = new WeakMap<Node, Compiled>()

/** Evaluates an AST against a record; runtime problems become error values, never exceptions. */
export function evaluate(node: Node, context: EvalContext): FormulaValue {
  try {
    return compileNode(node)(context)
  } catch (error) {
    return caught(error)
  }
}

/** Compiles (once per AST node) to a function of the context. */
export function compileNode(node: Node): Compiled {
  let compiled = compiledByNode.get(node)
  if (compiled === undefined) {
    compiled = compileUncached(node)
    compiledByNode.set(node, compiled)
  }
  return compiled
}

function compileUncached(node: Node): Compiled {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean': {
      const value = node.value
      return () => value
    }
    case 'field': {
      const name = node.name
      return (context) => context.record.field(name)
    }
    case 'unary': {
      const operand = compileNode(node.operand)
      return (context) => negate(operand(context))
    }
    case 'binary':
      return compileBinary(node.op, compileNode(node.left), compileNode(node.right))
    case 'call':
      return compileCall(node.name, node.args)
  }
}

function negate(value: FormulaValue): FormulaValue {
  const n = toNumber(value)
  return typeof n === 'number' ? -n : n
}

function compileBinary(op: BinaryOperator, left: Compiled, right: Compiled): Compiled {
  const apply = OPERATORS[op]
  return (context) => apply(left(context), right(context))
}

type Operator = (a: FormulaValue, b: FormulaValue) => FormulaValue

function arithmetic(fn: (a: number, b: number) => FormulaValue): Operator {
  return (a, b) => {
    const x = toNumber(a)
    if (typeof x !== 'number') return x
    const y = toNumber(b)
    if (typeof y !== 'number') return y
    return fn(x, y)
  }
}

function relation(test: (order: number) => boolean): Operator {
  return (a, b) => {
    const order = compare(a, b, parseDateText)
    return typeof order === 'number' ? test(order) : order
  }
}

const OPERATORS: Readonly<Record<BinaryOperator, Operator>> = {
  '+': arithmetic((x, y) => x + y),
  '-': arithmetic((x, y) => x - y),
  '*': arithmetic((x, y) => x * y),
  // x/0 is an error, 0/0 NaN (§8): both excluded by a filter, but ISERROR sees only the first.
  '/': arithmetic((x, y) =>
    y === 0 && x !== 0 && !Number.isNaN(x) ? errorValue('#DIV/0!') : x / y,
  ),
  '&': (a, b) => firstError([a, b]) ?? toText(a) + toText(b),
  '=': equals,
  '!=': (a, b) => {
    const same = equals(a, b)
    return typeof same === 'boolean' ? !same : same
  },
  '<': relation((order) => order < 0),
  '>': relation((order) => order > 0),
  '<=': relation((order) => order <= 0),
  '>=': relation((order) => order >= 0),
}

function compileCall(name: string, argNodes: readonly Node[]): Compiled {
  const fn = FUNCTIONS.get(name)
  if (fn === undefined) {
    const error = errorValue(`Unknown function ${name}`)
    return () => error
  }
  if (argNodes.length < fn.minArgs || argNodes.length > fn.maxArgs) {
    const error = errorValue(`Wrong number of arguments to ${name}`)
    return () => error
  }
  return compileKnownCall(fn, argNodes)
}

function compileKnownCall(fn: FormulaFunction, argNodes: readonly Node[]): Compiled {
  switch (fn.kind) {
    case 'fields': {
      const names = argNodes.map((arg) => (arg.kind === 'field' ? arg.name : ''))
      if (names.includes('')) {
        const error = errorValue(`${fn.name} takes field references`)
        return () => error
      }
      return (context) => guarded(() => fn.call(names, context))
    }
    case 'lazy': {
      const args = argNodes.map(compileNode)
      return (context) =>
        guarded(() =>
          fn.call(
            args.map((arg) => () => arg(context)),
            context,
          ),
        )
    }
    case 'eager': {
      const args = argNodes.map(compileNode)
      const catches = fn.catchesErrors === true
      return (context) => {
        const values = args.map((arg) => arg(context))
        if (!catches) {
          const error = firstError(values)
          if (error !== undefined) return error
        }
        return guarded(() => fn.call(values, context))
      }
    }
  }
}

/** Runs a function body; a RuntimeFailure (or any bug) becomes an error value. */
function guarded(body: () => FormulaValue): FormulaValue {
  try {
    return body()
  } catch (error) {
    return caught(error)
  }
}

function caught(error: unknown): FormulaErrorValue {
  if (error instanceof RuntimeFailure) return errorValue(error.message)
  // Stack overflow or an engine bug: still a value, so one record cannot fail a whole request.
  return errorValue(error instanceof Error ? `${error.name}: ${error.message}` : 'internal error')
}
