/** Case table, airtable-formula.md §9.1 text functions (doc examples first in each group). */
import { describe, expect, test } from 'vitest'
import { comparable, ERR, runFormula, type FormulaCase } from './testing.ts'
import type { FormulaOptions } from './types.ts'

function run(cases: readonly FormulaCase[], options?: FormulaOptions): void {
  test.each(cases)('%s', (formula, expected, fields = {}) => {
    const value = runFormula(formula, fields, options === undefined ? {} : { options })
    expect(comparable(value)).toEqual(comparable(expected))
  })
}

describe('§9.1 CONCATENATE, LEN, LOWER, UPPER, TRIM, REPT, T', () => {
  run([
    ['CONCATENATE("Bob", " - ", 43)', 'Bob - 43'],
    ['CONCATENATE("a", BLANK(), "b")', 'ab'],
    ['CONCATENATE({tags})', 'x, y', { tags: ['x', 'y'] }],
    ['LEN("quick brown fox")', 15],
    ['LEN(12345)', 5],
    ['LEN("")', 0],
    ['LEN(3.5)', 3],
    ['LOWER("Hello World")', 'hello world'],
    ['UPPER("Hello World")', 'HELLO WORLD'],
    ['UPPER(BLANK())', ''],
    ['TRIM("  hello  world  ")', 'hello  world'],
    ['TRIM("\tx\n")', 'x'],
    ['REPT("Hi! ", 3)', 'Hi! Hi! Hi! '],
    ['REPT("x", 0)', ''],
    ['REPT("x", -1)', ERR],
    ['T("text")', 'text'],
    ['T(42)', null],
    ['T(BLANK())', null],
  ])
})

describe('§9.1 FIND and SEARCH', () => {
  run([
    ['FIND("fox", "quick brown fox")', 13],
    ['FIND("Fox", "quick brown fox")', 0],
    ['FIND("z", "quick brown fox")', 0],
    ['FIND("o", "quick brown fox")', 9],
    ['FIND("o", "quick brown fox", 10)', 14],
    ['FIND("o", "quick brown fox", 0)', 9],
    ['FIND("q", "quick", 1)', 1],
    ['FIND("a", "")', 0],
    ['FIND("a", BLANK())', 0],
    ['SEARCH("fox", "quick brown fox")', 13],
    ['SEARCH("cat", "quick brown fox")', null],
    ['SEARCH("o", "quick brown fox", 10)', 14],
    ['MID({x}, FIND(" ", {x}) + 1, 99)', 'Lovelace', { x: 'Ada Lovelace' }],
  ])
  run([['SEARCH("FOX", "quick brown fox")', 13]], { searchCaseInsensitive: true })
})

describe('§9.1 LEFT, RIGHT, MID', () => {
  run([
    ['LEFT("quick brown fox", 5)', 'quick'],
    ['RIGHT("quick brown fox", 5)', 'n fox'],
    ['LEFT("abc", 10)', 'abc'],
    ['RIGHT("abc", 10)', 'abc'],
    ['LEFT("abc", 0)', ''],
    ['RIGHT("abc", 0)', ''],
    ['LEFT("abc", -1)', ERR],
    ['LEFT(12345, 2)', '12'],
    ['MID("quick brown fox", 7, 5)', 'brown'],
    ['MID("abc", 2, 10)', 'bc'],
    ['MID("abc", 5, 1)', ''],
    ['MID("abc", 1, 0)', ''],
  ])
  run([['MID("quick brown fox", 6, 5)', 'brown']], { midZeroBased: true })
})

describe('§9.1 SUBSTITUTE, REPLACE', () => {
  run([
    ['SUBSTITUTE("gold mold", "old", "et")', 'get met'],
    ['SUBSTITUTE("gold mold", "old", "et", 1)', 'get mold'],
    ['SUBSTITUTE("gold mold", "old", "et", 2)', 'gold met'],
    ['SUBSTITUTE("gold mold", "old", "et", 3)', 'gold mold'],
    ['SUBSTITUTE("aaa", "a", "b")', 'bbb'],
    ['SUBSTITUTE("abc", "", "x")', 'abc'],
    ['SUBSTITUTE("a.b.c", ".", "")', 'abc'],
    ['REPLACE("database", 2, 5, "o")', 'dose'],
    ['REPLACE("abc", 1, 0, "x")', 'xabc'],
    ['REPLACE("abc", 4, 0, "d")', 'abcd'],
  ])
})

describe('§9.1 VALUE, ENCODE_URL_COMPONENT', () => {
  run([
    ['VALUE("$1,000,000")', 1000000],
    ['VALUE("42")', 42],
    ['VALUE("3.5")', 3.5],
    ['VALUE(" 7 ")', 7],
    ['VALUE("-5")', -5],
    ['VALUE("abc")', ERR],
    ['VALUE("") + 1', 1],
    ['ENCODE_URL_COMPONENT("chicken & waffles")', 'chicken%20%26%20waffles'],
    ['ENCODE_URL_COMPONENT("a/b?c=d")', 'a%2Fb%3Fc%3Dd'],
    ['ENCODE_URL_COMPONENT("é")', '%C3%A9'],
  ])
})
