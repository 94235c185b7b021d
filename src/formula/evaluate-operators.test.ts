/**
 * Case table, airtable-formula.md §1-§6 and §8: literals, operators and precedence, blanks,
 * truthiness, equality and comparison, errors. Each row: formula, expected value, fields.
 */
import { describe, expect, test } from 'vitest'
import { isTruthy } from './values.ts'
import { comparable, D, ERR, runFormula, type FormulaCase } from './testing.ts'

function run(cases: readonly FormulaCase[]): void {
  test.each(cases)('%s', (formula, expected, fields = {}) => {
    expect(comparable(runFormula(formula, fields))).toEqual(comparable(expected))
  })
}

describe('§1 literals and lexical rules', () => {
  run([
    ['42', 42],
    ['3.14', 3.14],
    ['.5', 0.5],
    ['1e3', 1000],
    ['"double"', 'double'],
    ["'single'", 'single'],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'it\\'s'", "it's"],
    ['"back\\\\slash"', 'back\\slash'],
    ['"a\\nb"', 'a\nb'],
    ['"tab\\tx"', 'tab\tx'],
    ['"\\D"', '\\D'],
    ['TRUE()', true],
    ['FALSE()', false],
    ['TRUE', true],
    ['false', false],
    ['if(1, "lower", "no")', 'lower'],
    ['If(0, "no", "mixed")', 'mixed'],
    ['{Full Name}', 'Ada Lovelace', { 'Full Name': 'Ada Lovelace' }],
    ['Price * Quantity', 12, { Price: 3, Quantity: 4 }],
    ['{a\\}b}', 'brace', { 'a}b': 'brace' }],
    ['{a\\\\b}', 'backslash', { 'a\\b': 'backslash' }],
    ['1 +\n\t2', 3],
    ['1 + /* inline */ 2', 3],
    ['1 + 2 // trailing comment', 3],
  ])
})

describe('§2 operators and precedence', () => {
  run([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['24 / 4 / 2', 3],
    ['-2 * 3', -6],
    ['-(1 + 2)', -3],
    ['--5', 5],
    ['2 - -3', 5],
    ['-{x}', -4, { x: 4 }],
    ['1 + 2 & 3', '33'],
    ['"a" & 1 + 2', 'a3'],
    ['2 * 3 & 4', '64'],
    ['1 & 2 = "12"', true],
    ['"b" & "c" = "bc"', true],
    ['1 < 2 = TRUE()', true],
    ['3 > 2 = 2 > 1', true],
    ['2 > 1 = 2', false],
    ['1 + 1 = 2', true],
    ['2 = 2 = 1', true],
    ['1 != 2', true],
    ['2 != 2', false],
    ['3 >= 3', true],
    ['3 <= 2', false],
    ['"x" & "y" & "z"', 'xyz'],
    ['7 / 2', 3.5],
    ['0.1 + 0.2', 0.3],
  ])
})

describe('§3 conversions', () => {
  run([
    ['12 & ""', '12'],
    ['3.5 & ""', '3.5'],
    ['BLANK() & "x"', 'x'],
    ['{d} & ""', '2024-03-15T00:00:00.000Z', { d: D('2024-03-15') }],
    ['{tags} & ""', 'Red, Blue', { tags: ['Red', 'Blue'] }],
    ['TRUE() + TRUE()', 2],
    ['TRUE() * 5', 5],
    ['FALSE() + 1', 1],
    ['{n} + 1', 1, { n: null }],
    ['"3" + 1', 4],
    ['"abc" * 2', NaN],
    ['{lookup} * 2', 10, { lookup: [5] }],
    ['CONCATENATE("Bob", " - ", 43)', 'Bob - 43'],
  ])
})

describe('§4 blanks', () => {
  run([
    ['BLANK() = ""', true],
    ['BLANK() = 0', true],
    ['BLANK() = BLANK()', true],
    ['BLANK() = FALSE()', true],
    ['{Num} = ""', true, { Num: 0 }],
    ['{Num} = ""', true, { Num: null }],
    ['{Num} = BLANK()', true, { Num: 0 }],
    ['{Num} = BLANK()', true, { Num: null }],
    ['{Num} = 0', true, { Num: null }],
    ['{Num} = BLANK()', false, { Num: 7 }],
    ['{Text} = ""', true, { Text: null }],
    ['{Text} = BLANK()', true, { Text: '' }],
    ['{Text} = ""', false, { Text: 'x' }],
    ['NOT({Name} = "")', true, { Name: 'Ada' }],
    ['NOT({Name} = "")', false, { Name: null }],
    ['{Num} & ""', '0', { Num: 0 }],
    ['{Num} & ""', '', { Num: null }],
    ['{Num} + 1', 1, { Num: null }],
    ['SUM({A}, {B})', 2, { A: 2, B: null }],
    ['{Num} < 50', true, { Num: null }],
    ['{Num} > -1', true, { Num: null }],
    ['LEN({Text})', 0, { Text: null }],
    ['IF(0, "yes")', null],
    ['{Text} < "b"', true, { Text: null }],
    ['{Box}', null, { Box: null }],
  ])
})

describe('§5 truthiness (IF, NOT, AND/OR)', () => {
  run([
    ['IF(5, "t", "f")', 't'],
    ['IF(-1, "t", "f")', 't'],
    ['IF(0.5, "t", "f")', 't'],
    ['IF(0, "t", "f")', 'f'],
    ['IF(FALSE(), "t", "f")', 'f'],
    ['IF(BLANK(), "t", "f")', 'f'],
    ['IF(" ", "t", "f")', 't'],
    ['IF("0", "t", "f")', 't'],
    ['IF("", "t", "f")', 'f'],
    ['IF(0/0, "t", "f")', 'f'],
    ['IF({tags}, "t", "f")', 't', { tags: ['a'] }],
    ['IF({tags}, "t", "f")', 'f', { tags: [] }],
    ['IF({d}, "t", "f")', 't', { d: D('2024-01-01') }],
    ['NOT("")', true],
    ['NOT(0)', true],
    ['NOT("x")', false],
    ['AND(1, "a", TRUE())', true],
    ['AND(1, "")', false],
    ['OR(0, "", BLANK())', false],
    ['OR(0, " ")', true],
  ])
})

describe('§6 equality and comparison', () => {
  run([
    ['"Paid" = "Paid"', true],
    ['"Paid" = "paid"', false],
    ['LOWER("Paid") = "paid"', true],
    ['"a " = "a"', false],
    ['{Status} = "Paid"', true, { Status: 'Paid' }],
    ['{Tags} = "Red"', true, { Tags: ['Red'] }],
    ['{Tags} = "Red"', false, { Tags: ['Red', 'Blue'] }],
    ['{Tags} = "Red, Blue"', true, { Tags: ['Red', 'Blue'] }],
    ['{Date} = "2024-03-15"', false, { Date: D('2024-03-15') }],
    ['{Date} = DATETIME_PARSE("2024-03-15")', true, { Date: D('2024-03-15') }],
    [
      '{DT} = DATETIME_PARSE("2023-12-01T12:34:56.000Z")',
      true,
      { DT: D('2023-12-01T12:34:56.000Z') },
    ],
    ['IS_SAME({Date}, "2024-03-15", "day")', true, { Date: D('2024-03-15T18:00:00Z') }],
    ['{Date} > "2024-03-01"', true, { Date: D('2024-03-15') }],
    ['{Date} < "2024-04-01"', true, { Date: D('2024-03-15') }],
    ['{Date} < "2024-03-01"', false, { Date: D('2024-03-15') }],
    ['{Due} < TODAY()', true, { Due: D('2024-03-14') }],
    ['{Due} < TODAY()', false, { Due: D('2024-03-16') }],
    ['TRUE() = 1', true],
    ['FALSE() = 0', true],
    ['2 = "2"', true],
    ['10 > 9', true],
    ['"10" > "9"', false],
    ['"apple" < "banana"', true],
    ['"B" < "a"', true],
    ['0/0 = 0/0', false],
  ])
})

describe('§8 errors', () => {
  run([
    ['2/0', ERR],
    ['ISERROR(2/0)', true],
    ['0/0', NaN],
    ['ISERROR(0/0)', false],
    ['ERROR()', ERR],
    ['ISERROR(ERROR())', true],
    ['ISERROR(1)', false],
    ['1 + ERROR()', ERR],
    ['ERROR() & "x"', ERR],
    ['ERROR() = 1', ERR],
    ['UPPER(ERROR())', ERR],
    ['IF({D}, {N} / {D}, "none")', 'none', { D: 0, N: 5 }],
    ['IF({D}, {N} / {D}, "none")', 2.5, { D: 2, N: 5 }],
    ['IF(ERROR(), 1, 2)', ERR],
    ['IF(1, 1, ERROR())', 1],
    ['{f}', ERR, { f: ERR }],
    ['ISERROR({f})', true, { f: ERR }],
    ['DATETIME_DIFF("not a date", TODAY())', ERR],
  ])
})

describe('§5 filter truthiness of results', () => {
  test.each([
    ['1', true],
    ['0', false],
    ['"x"', true],
    ['""', false],
    ['BLANK()', false],
    ['0/0', false],
    ['1/0', false],
    ['ERROR()', false],
    ['TODAY()', true],
    ['FALSE()', false],
  ] as const)('%s is %s', (formula, truthy) => {
    expect(isTruthy(runFormula(formula))).toBe(truthy)
  })
})
