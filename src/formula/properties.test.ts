/**
 * fast-check properties: the parser throws only FormulaError, print/parse round-trips, and
 * evaluation never throws on random trees over random records (errors are values).
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { BinaryOperator, Node } from './ast.ts'
import { FormulaError } from './errors.ts'
import { evaluate } from './evaluate.ts'
import { FUNCTIONS } from './functions/index.ts'
import { parseFormula } from './parse.ts'
import { printFormula } from './print.ts'
import { recordOf, TEST_NOW_MS } from './testing.ts'
import type { FormulaValue } from './types.ts'
import { isTruthy, toText } from './values.ts'

const SPAN = { start: 0, end: 0 }
const OPERATORS: readonly BinaryOperator[] = [
  '+',
  '-',
  '*',
  '/',
  '&',
  '=',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
]
const FIELD_NAMES = ['Name', 'Amount', 'Due', 'Tags', 'Box', 'Err', 'Empty', 'a}b\\c']
const BARE_NAME = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)
  .filter((name) => !['TRUE', 'FALSE'].includes(name.toUpperCase()))

/** Random ASTs of the shapes the parser produces (non-negative number literals). */
function astArbitrary(options: { fieldNames?: readonly string[]; callNames: readonly string[] }) {
  const field: fc.Arbitrary<Node> =
    options.fieldNames === undefined
      ? fc
          .oneof(
            fc.record({ name: fc.string({ minLength: 1 }), braced: fc.constant(true) }),
            fc.record({ name: BARE_NAME, braced: fc.constant(false) }),
          )
          .map(({ name, braced }): Node => ({ kind: 'field', name, braced, span: SPAN }))
      : fc
          .constantFrom(...options.fieldNames)
          .map((name): Node => ({ kind: 'field', name, braced: true, span: SPAN }))
  const leaf: fc.Arbitrary<Node> = fc.oneof(
    fc
      .oneof(fc.nat(), fc.double({ min: 0, max: 1e12, noNaN: true }))
      .map((v): Node => ({ kind: 'number', value: Math.abs(v), span: SPAN })),
    fc.string().map((value): Node => ({ kind: 'string', value, span: SPAN })),
    fc.boolean().map((value): Node => ({ kind: 'boolean', value, span: SPAN })),
    field,
  )
  return fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      tie('node').map((operand): Node => ({ kind: 'unary', op: '-', operand, span: SPAN })),
      fc
        .tuple(fc.constantFrom(...OPERATORS), tie('node'), tie('node'))
        .map(([op, left, right]): Node => ({ kind: 'binary', op, left, right, span: SPAN })),
      fc
        .tuple(fc.constantFrom(...options.callNames), fc.array(tie('node'), { maxLength: 4 }))
        .map(([name, args]): Node => ({ kind: 'call', name, args, span: SPAN })),
    ),
  })).node
}

function withoutSpans(node: Node): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) => (key === 'span' ? undefined : value)),
  )
}

describe('parser', () => {
  const soup = fc
    .array(
      fc.constantFrom(
        '(',
        ')',
        ',',
        '{a}',
        '{',
        '}',
        '"x"',
        '"',
        "'",
        '\\',
        '1',
        '.5',
        '2e3',
        'IF',
        'sum',
        'x',
        '+',
        '-',
        '*',
        '/',
        '&',
        '=',
        '!=',
        '<',
        '>=',
        '<>',
        '&&',
        '!',
        ' ',
        '\n',
        '/*',
        '*/',
        '//',
        'TRUE',
        '\u201c',
        '%',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join(''))

  test('throws nothing but FormulaError, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), soup), (text) => {
        try {
          parseFormula(text)
        } catch (error) {
          expect(error).toBeInstanceOf(FormulaError)
        }
      }),
      { numRuns: 2000 },
    )
  })

  test('parse(print(ast)) is ast, spans aside', () => {
    const names = [...FUNCTIONS.keys(), 'UNKNOWN_FN']
    fc.assert(
      fc.property(astArbitrary({ callNames: names }), (ast) => {
        const text = printFormula(ast)
        expect(withoutSpans(parseFormula(text))).toEqual(withoutSpans(ast))
      }),
      { numRuns: 1000 },
    )
  })

  test('printing is stable: print(parse(print(ast))) is print(ast)', () => {
    fc.assert(
      fc.property(astArbitrary({ callNames: ['IF', 'SUM', 'X'] }), (ast) => {
        const text = printFormula(ast)
        expect(printFormula(parseFormula(text))).toBe(text)
      }),
      { numRuns: 300 },
    )
  })
})

const formulaValue: fc.Arbitrary<FormulaValue> = fc.letrec<{ value: FormulaValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.double(),
    fc.integer({ min: -5, max: 5 }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('2024-03-15', '1/2/2020 3:04', 'Paid', '', '0', '(?i)a', '('),
    fc.boolean(),
    fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => ({ kind: 'datetime' as const, ms })),
    fc.constant({ kind: 'error' as const, message: 'boom' }),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value

describe('evaluator', () => {
  test('never throws on random trees over random records; results are formula values', () => {
    const names = [...FUNCTIONS.keys(), 'UNKNOWN_FN']
    const fields = fc.record(Object.fromEntries(FIELD_NAMES.map((name) => [name, formulaValue])))
    fc.assert(
      fc.property(
        astArbitrary({ fieldNames: FIELD_NAMES, callNames: names }),
        fields,
        fc.constantFrom(undefined, { midZeroBased: true, modSign: 'divisor' as const }),
        (ast, values, options) => {
          const context = {
            record: recordOf(values),
            nowMs: TEST_NOW_MS,
            ...(options === undefined ? {} : { options }),
          }
          const result = evaluate(ast, context)
          expect(typeof isTruthy(result)).toBe('boolean')
          expect(typeof toText(result)).toBe('string')
        },
      ),
      { numRuns: 3000 },
    )
  })
})
