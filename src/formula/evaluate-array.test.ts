/** Case table, airtable-formula.md §9.5 arrays, §9.6 record functions, §9.7 regex. */
import { describe, expect, test } from 'vitest'
import { comparable, D, ERR, runFormula, type FormulaCase } from './testing.ts'
import type { FormulaOptions } from './types.ts'

function run(cases: readonly FormulaCase[], options?: FormulaOptions): void {
  test.each(cases)('%s', (formula, expected, fields = {}) => {
    const value = runFormula(formula, fields, options === undefined ? {} : { options })
    expect(comparable(value)).toEqual(comparable(expected))
  })
}

const values = { values: [1, 2, 3] }

describe('§9.5 arrays', () => {
  run([
    ['ARRAYJOIN(values, "; ")', '1; 2; 3', values],
    ['ARRAYJOIN(values)', '1, 2, 3', values],
    ['ARRAYJOIN({tags}, "|")', 'a|b', { tags: ['a', 'b'] }],
    ['ARRAYJOIN({nested}, "-")', '1-2-3', { nested: [[1], [2, 3]] }],
    ['ARRAYJOIN(BLANK(), ",")', ''],
    ['ARRAYJOIN("solo", ",")', 'solo'],
    ['ARRAYUNIQUE({v})', [1, 2, 3], { v: [1, 2, 3, 3, 2, 1] }],
    ['ARRAYUNIQUE({v})', ['a', 'A'], { v: ['a', 'A', 'a'] }],
    ['ARRAYUNIQUE({v})', [1, '1'], { v: [1, '1'] }],
    ['ARRAYCOMPACT({v})', [1, false, ' ', 'x'], { v: [1, '', null, false, ' ', 'x'] }],
    ['ARRAYFLATTEN({v})', [1, 2, 3, 4], { v: [[1, [2]], [3], 4] }],
    ['ARRAYSLICE({v}, 2, 3)', ['b', 'c'], { v: ['a', 'b', 'c', 'd'] }],
    ['ARRAYSLICE({v}, 2)', ['b', 'c', 'd'], { v: ['a', 'b', 'c', 'd'] }],
    ['ARRAYSLICE({v}, -2)', ['c', 'd'], { v: ['a', 'b', 'c', 'd'] }],
    ['ARRAYSLICE({v}, 1, -2)', ['a', 'b', 'c'], { v: ['a', 'b', 'c', 'd'] }],
    ['LEN(ARRAYJOIN({v}, ""))', 3, { v: ['a', 'bc'] }],
    ['values & ""', '1, 2, 3', values],
  ])
})

describe('§9.6 record functions', () => {
  run([
    ['RECORD_ID()', 'recTEST0000000001'],
    ['OR(RECORD_ID() = "recA", RECORD_ID() = "recTEST0000000001")', true],
    ['RECORD_ID() = "rectest0000000001"', false],
    ['CREATED_TIME()', D('2024-01-01')],
    ['IS_BEFORE(CREATED_TIME(), NOW())', true],
    ['LAST_MODIFIED_TIME()', null],
  ])

  test('LAST_MODIFIED_TIME() is the latest edit; with fields, the latest edit of those', () => {
    const fields = { A: 1, B: 2 }
    const modifiedMs = { A: Date.UTC(2024, 1, 1), B: Date.UTC(2024, 2, 1) }
    expect(comparable(runFormula('LAST_MODIFIED_TIME()', fields, { modifiedMs }))).toEqual(
      comparable(D('2024-03-01')),
    )
    expect(comparable(runFormula('LAST_MODIFIED_TIME({A})', fields, { modifiedMs }))).toEqual(
      comparable(D('2024-02-01')),
    )
    expect(comparable(runFormula('LAST_MODIFIED_TIME(A, B)', fields, { modifiedMs }))).toEqual(
      comparable(D('2024-03-01')),
    )
  })

  test('RECORD_ID and CREATED_TIME read the record', () => {
    const options = { id: 'recOTHER', createdTimeMs: Date.UTC(2020, 5, 1) }
    expect(runFormula('RECORD_ID()', {}, options)).toBe('recOTHER')
    expect(runFormula('YEAR(CREATED_TIME())', {}, options)).toBe(2020)
  })
})

describe('§9.7 regex (RE2)', () => {
  run([
    ['REGEX_MATCH("Hello World", "Hello.World")', true],
    ['REGEX_MATCH("Hello World", "^World")', false],
    ['REGEX_MATCH("Hello World", "World$")', true],
    ['REGEX_MATCH("hello", "HELLO")', false],
    ['REGEX_MATCH("hello", "(?i)HELLO")', true],
    ['REGEX_MATCH("a\\nb", "(?s)a.b")', true],
    ['REGEX_MATCH("a\\nb", "a.b")', false],
    ['REGEX_MATCH("x1\\ny2", "(?m)^y\\d$")', true],
    ['REGEX_MATCH({Email}, "^[^@]+@presence\\.test$")', true, { Email: 'member@presence.test' }],
    ['REGEX_MATCH("abc", "(?=a)")', ERR],
    ['REGEX_MATCH("abab", "(ab)\\1")', ERR],
    ['REGEX_MATCH("abc", "(")', ERR],
    ['REGEX_EXTRACT("Order 1234 shipped", "\\d+")', '1234'],
    ['REGEX_EXTRACT("abc", "\\d+")', ERR],
    ['REGEX_EXTRACT("key=value", "(?P<k>\\w+)=")', 'key='],
    ['REGEX_REPLACE("Hello World", " W.*", "")', 'Hello'],
    ['REGEX_REPLACE("a1b22c333", "\\d+", "#")', 'a#b#c#'],
    ['REGEX_REPLACE("(555) 123-4567", "\\D", "")', '5551234567'],
    ['REGEX_REPLACE("John Smith", "(\\w+) (\\w+)", "$2, $1")', 'Smith, John'],
    ['REGEX_MATCH(BLANK(), "^$")', true],
    // Linear time: backtracking engines take seconds here, doubling per extra "a".
    ["REGEX_MATCH(REPT('a', 5000) & '!', '(?i)^(a+)+$')", false],
    ['REGEX_MATCH("aaa", "(a{255}){255}")', ERR],
    ['REGEX_MATCH("aaa", "a{1001}")', ERR],
    ['REGEX_MATCH("a", "a**")', ERR],
    ['REGEX_EXTRACT("<b>x</b>", "<(?P<tag>[a-z]+)>")', '<b>'],
    ['REGEX_REPLACE("aXbx", "(?i)x", "-")', 'a-b-'],
    ['REGEX_REPLACE("😀!", ".", "-")', '--'],
  ])
  run([['REGEX_EXTRACT("abc", "\\d+")', null]], { regexExtractNoMatch: 'blank' })
})
