/** Case table, airtable-formula.md §9.2 logical and §9.3 numeric functions. */
import { describe, expect, test } from 'vitest'
import { comparable, ERR, runFormula, type FormulaCase } from './testing.ts'
import type { FormulaOptions } from './types.ts'

function run(cases: readonly FormulaCase[], options?: FormulaOptions): void {
  test.each(cases)('%s', (formula, expected, fields = {}) => {
    const value = runFormula(formula, fields, options === undefined ? {} : { options })
    expect(comparable(value)).toEqual(comparable(expected))
  })
}

describe('§9.2 IF, SWITCH', () => {
  run([
    ['IF(1, "a", "b")', 'a'],
    ['IF(0, "a")', null],
    ['IF({Score} >= 50, "pass", "fail")', 'pass', { Score: 75 }],
    ['IF({Score} >= 50, "pass", "fail")', 'fail', { Score: null }],
    ['IF(1, 2/0, 3)', ERR],
    ['IF(0, 2/0, 3)', 3],
    ['SWITCH(2, 1, "one", 2, "two", "other")', 'two'],
    ['SWITCH(9, 1, "one", 2, "two", "other")', 'other'],
    ['SWITCH(9, 1, "one", 2, "two")', null],
    ['SWITCH({Status}, "Paid", 1, "Unpaid", 0)', 0, { Status: 'Unpaid' }],
    ['SWITCH({Status}, "", "empty", "set")', 'empty', { Status: null }],
    ['SWITCH("a", "a", "first", "a", "second")', 'first'],
    ['SWITCH(1, 2, ERROR(), "safe")', 'safe'],
  ])
})

describe('§9.2 AND, OR, XOR, NOT, TRUE, FALSE, BLANK, ERROR', () => {
  run([
    ['AND(1, 1)', true],
    ['AND(1, 0)', false],
    ['AND({a}, {b})', false, { a: 'x', b: null }],
    ['OR(0, 0)', false],
    ['OR(0, 1)', true],
    ['OR({Status} = "Paid", {Status} = "Refunded")', true, { Status: 'Refunded' }],
    ['XOR(1, 0)', true],
    ['XOR(1, 1)', false],
    ['XOR(1, 1, 1)', true],
    ['XOR(0, 0, 0)', false],
    ['NOT(1)', false],
    ['NOT(BLANK())', true],
    ['TRUE() + FALSE()', 1],
    ['BLANK()', null],
    ['AND(1, ERROR())', ERR],
    ['AND({arr})', true, { arr: [1, 'x'] }],
    ['AND({arr})', false, { arr: [1, 0] }],
    ['OR({arr})', false, { arr: [] }],
  ])
})

describe('§9.3 ABS, SQRT, EXP, POWER, LOG, MOD', () => {
  run([
    ['ABS(-3.5)', 3.5],
    ['ABS(BLANK())', 0],
    ['SQRT(16)', 4],
    ['SQRT(-1)', NaN],
    ['EXP(0)', 1],
    ['EXP(1)', Math.E],
    ['POWER(2, 10)', 1024],
    ['POWER(9, 0.5)', 3],
    ['LOG(1024, 2)', 10],
    ['LOG(10000)', 4],
    ['LOG(100, 10)', 2],
    ['LOG(8, 2)', 3],
    ['LOG(27, 3)', 3],
    ['MOD(7, 3)', 1],
    ['MOD(6, 3)', 0],
    ['MOD(7.5, 2)', 1.5],
    ['MOD(5, 0)', ERR],
    ['ISERROR(MOD(5, 0))', true],
  ])
  run(
    [
      ['MOD(-7, 3)', 2],
      ['MOD(7, -3)', -2],
    ],
    { modSign: 'divisor' },
  )
  run([['MOD(-7, 3)', -1]], { modSign: 'dividend' })
})

describe('§9.3 ROUND, ROUNDUP, ROUNDDOWN', () => {
  run([
    ['ROUND(2.5, 0)', 3],
    ['ROUND(-2.5, 0)', -2],
    ['ROUND(16.8, -1)', 20],
    ['ROUND(1.005, 2)', 1.01],
    ['ROUND(3.14159, 2)', 3.14],
    ['ROUND(2.4, 0)', 2],
    ['ROUND(-2.6, 0)', -3],
    ['ROUND(1234.5678, -2)', 1200],
    ['ROUND(0.5, 0)', 1],
    ['ROUND(-0.5, 0)', 0],
    ['ROUNDUP(-1.1, 0)', -2],
    ['ROUNDUP(1.1, 0)', 2],
    ['ROUNDUP(3.14159, 2)', 3.15],
    ['ROUNDUP(1234, -2)', 1300],
    ['ROUNDDOWN(-1.9, 0)', -1],
    ['ROUNDDOWN(1.9, 0)', 1],
    ['ROUNDDOWN(3.14159, 3)', 3.141],
    ['ROUNDDOWN(1299, -2)', 1200],
  ])
})

describe('§9.3 CEILING, FLOOR, INT, EVEN, ODD', () => {
  run([
    ['CEILING(1.05, 0.1)', 1.1],
    ['FLOOR(1.99, 0.1)', 1.9],
    ['CEILING(4.2)', 5],
    ['FLOOR(4.8)', 4],
    ['CEILING(7, 5)', 10],
    ['FLOOR(7, 5)', 5],
    ['CEILING(10, 5)', 10],
    ['INT(1.99)', 1],
    ['INT(-1.99)', -2],
    ['INT(5)', 5],
    ['EVEN(2.2)', 4],
    ['EVEN(5)', 6],
    ['EVEN(4)', 4],
    ['EVEN(-1)', -2],
    ['ODD(1.1)', 3],
    ['ODD(-1.1)', -3],
    ['ODD(3)', 3],
    ['ODD(2)', 3],
  ])
})

describe('§9.3 SUM, AVERAGE, MAX, MIN, COUNT, COUNTA, COUNTALL', () => {
  run([
    ['SUM(1, 2, 3)', 6],
    ['SUM({lookup})', 6, { lookup: [1, 2, 3] }],
    ['SUM({lookup}, 4)', 10, { lookup: [1, 2, 3] }],
    [
      'SUM({nested})',
      10,
      {
        nested: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    ['AVERAGE(1, 2, 3, 4)', 2.5],
    ['AVERAGE({lookup})', 2, { lookup: [1, 2, 3] }],
    ['MAX(1, 7, 3)', 7],
    ['MAX({lookup})', 3, { lookup: [1, 2, 3] }],
    ['MIN(4, -2, 9)', -2],
    ['MIN({lookup}, 0)', 0, { lookup: [1, 2, 3] }],
    ['COUNT(1, 2, 3, "", "four")', 3],
    ['COUNTA(1, 2, 3, "", "four")', 4],
    ['COUNTALL(1, 2, 3, "", "four")', 5],
    ['COUNT({lookup})', 3, { lookup: [1, 2, 3] }],
    ['COUNTA({l})', 2, { l: ['a', null, 'b'] }],
    ['COUNTALL({l})', 3, { l: ['a', null, 'b'] }],
    ['SUM(1, ERROR())', ERR],
    ['MAX({empty})', 0, { empty: [] }],
  ])
})
