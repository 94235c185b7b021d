/** Parser and checker: AST shape with spans, syntax errors with position, Airtable's messages. */
import { describe, expect, test } from 'vitest'
import { checkFormula } from './check.ts'
import { FormulaError } from './errors.ts'
import { MAX_DEPTH, parseFormula } from './parse.ts'

function errorOf(run: () => unknown): FormulaError {
  try {
    run()
  } catch (error) {
    if (error instanceof FormulaError) return error
    throw error
  }
  throw new Error('expected a FormulaError')
}

describe('AST with source positions', () => {
  test('binary, call, field and literal nodes carry their spans', () => {
    expect(parseFormula('IF({Status} = "Paid", 1)')).toEqual({
      kind: 'call',
      name: 'IF',
      span: { start: 0, end: 24 },
      args: [
        {
          kind: 'binary',
          op: '=',
          span: { start: 3, end: 20 },
          left: { kind: 'field', name: 'Status', braced: true, span: { start: 3, end: 11 } },
          right: { kind: 'string', value: 'Paid', span: { start: 14, end: 20 } },
        },
        { kind: 'number', value: 1, span: { start: 22, end: 23 } },
      ],
    })
  })

  test('function names are upper-cased; bare names are fields; bare TRUE is a boolean', () => {
    const ast = parseFormula('and(Price, true)')
    expect(ast).toMatchObject({
      kind: 'call',
      name: 'AND',
      args: [
        { kind: 'field', name: 'Price', braced: false },
        { kind: 'boolean', value: true },
      ],
    })
  })

  test('unary minus binds tighter than *, and parenthesised spans are their inside', () => {
    expect(parseFormula('-2 * 3')).toMatchObject({
      kind: 'binary',
      op: '*',
      left: { kind: 'unary', operand: { kind: 'number', value: 2 } },
    })
    expect(parseFormula('(1)').span).toEqual({ start: 1, end: 2 })
  })

  test('& sits between + - and the comparisons (Excel); configurable below them', () => {
    expect(parseFormula('1 + 2 & 3 = "33"')).toMatchObject({
      op: '=',
      left: { op: '&', left: { op: '+' } },
    })
    expect(parseFormula('"a" = "a" & "b"', { concatBelowComparison: true })).toMatchObject({
      op: '&',
      left: { op: '=' },
    })
  })
})

describe('syntax errors name the position and the problem', () => {
  test.each([
    ['IF(1, 2))', 'Unexpected token ")" at position 8', 8],
    ['1 +', 'Unexpected end of formula at position 3', 3],
    ['(1 + 2', 'Missing ")" at position 6 for "(" opened at position 0', 6],
    ['SUM(1 2)', 'Expected "," or ")" but found "2" at position 6', 6],
    ['SUM(1,)', 'Missing argument at position 6', 6],
    ['SUM(,1)', 'Missing argument at position 4', 4],
    ['"open', 'Unterminated string starting at position 0', 0],
    ["x = 'open", 'Unterminated string starting at position 4', 4],
    ['{Open', 'Unterminated field reference starting at position 0', 0],
    ['{}', 'Empty field name at position 0', 0],
    ['1 /* never closed', 'Unterminated comment starting at position 2', 2],
    ['1 && 2', 'Invalid operator "&&" at position 2; use AND() instead', 2],
    ['1 || 2', 'Invalid operator "||" at position 2; use OR() instead', 2],
    ['1 == 2', 'Invalid operator "==" at position 2; use = instead', 2],
    ['1 <> 2', 'Invalid operator "<>" at position 2; use != instead', 2],
    ['!x', 'Invalid operator "!" at position 0; use NOT() instead', 0],
    ['5 % 2', 'Invalid operator "%" at position 2; use MOD() instead', 2],
    ['2 ^ 3', 'Invalid operator "^" at position 2; use POWER() instead', 2],
    ['{Tags} contains "x"', 'Unexpected token "contains" at position 7', 7],
    [
      '\u201cPaid\u201d',
      'Smart quote \u201c at position 0; strings need straight quotes (" or \')',
      0,
    ],
    ['1 # 2', 'Unexpected character "#" at position 2', 2],
    ['+1', 'Unexpected token "+" at position 0', 0],
    ['', 'The formula is empty', 0],
    ['   ', 'The formula is empty', 0],
  ])('%j → %s', (formula, message, position) => {
    const error = errorOf(() => parseFormula(formula))
    expect(error.message).toBe(message)
    expect(error.position).toBe(position)
  })

  test('nesting deeper than MAX_DEPTH is a FormulaError, not a stack overflow', () => {
    const deep = `${'('.repeat(MAX_DEPTH + 5)}1${')'.repeat(MAX_DEPTH + 5)}`
    expect(errorOf(() => parseFormula(deep)).message).toMatch(/nested too deeply/)
    expect(errorOf(() => parseFormula('-'.repeat(50_000) + '1')).message).toMatch(/too deeply/)
    const chain = Array.from({ length: MAX_DEPTH + 5 }, () => '1').join(' + ')
    expect(errorOf(() => parseFormula(chain)).message).toMatch(/too deeply/)
    expect(parseFormula(`${'('.repeat(100)}1${')'.repeat(100)}`)).toMatchObject({ value: 1 })
  })

  test('a 17,000-character flat formula parses', () => {
    const ids = Array.from(
      { length: 700 },
      (_, i) => `RECORD_ID()='rec${String(i).padStart(14, '0')}'`,
    )
    const ast = parseFormula(`OR(${ids.join(',')})`)
    expect(ast.kind === 'call' && ast.args.length).toBe(700)
  })
})

describe('checkFormula: functions, fields, arity (Airtable messages)', () => {
  const hasField = (name: string): boolean => ['Name', 'Amount', 'fldAmount0000001'].includes(name)

  test.each([
    ['{firstName} & {LastName}', 'Unknown field names: firstname, lastname'],
    ['{id} = "recyaaprk3b74ongz"', 'Unknown field names: id'],
    ['Name & nickname', 'Unknown field names: nickname'],
    ['{name}', 'Unknown field names: name'],
    ['BAD(1) + bad(2) + WORSE()', 'Unknown function names: bad, worse'],
    ['CONTAINS({Name}, "x")', 'Unknown function names: contains'],
    ['IF(1)', 'Wrong number of arguments to IF(): expected 2 or 3, got 1 at position 0'],
    ['1 + NOT(1, 2)', 'Wrong number of arguments to NOT(): expected 1, got 2 at position 4'],
    ['TODAY(1)', 'Wrong number of arguments to TODAY(): expected 0, got 1 at position 0'],
    ['SUM()', 'Wrong number of arguments to SUM(): expected at least 1, got 0 at position 0'],
    ['DATEADD(1)', 'Wrong number of arguments to DATEADD(): expected 3, got 1 at position 0'],
    ['LAST_MODIFIED_TIME("Name")', 'LAST_MODIFIED_TIME() takes field references at position 19'],
  ])('%s → %s', (formula, message) => {
    expect(errorOf(() => checkFormula(formula, { hasField })).message).toBe(message)
  })

  test('known names, field IDs (as hasField allows) and any function case pass', () => {
    expect(() =>
      checkFormula('if({Name}, sum(Amount, {fldAmount0000001}))', { hasField }),
    ).not.toThrow()
    expect(() => checkFormula('LAST_MODIFIED_TIME({Name}, Amount)', { hasField })).not.toThrow()
  })
})
