/**
 * Case table, airtable-formula.md §7 and §9.4 date functions. NOW() is Friday
 * 2024-03-15T12:30:00Z (TEST_NOW_MS); everything reads the UTC calendar.
 */
import { describe, expect, test } from 'vitest'
import { comparable, D, ERR, runFormula, type FormulaCase } from './testing.ts'

function run(cases: readonly FormulaCase[]): void {
  test.each(cases)('%s', (formula, expected, fields = {}) => {
    expect(comparable(runFormula(formula, fields))).toEqual(comparable(expected))
  })
}

describe('§9.4 TODAY, NOW, DATEADD', () => {
  run([
    ['TODAY()', D('2024-03-15')],
    ['NOW()', D('2024-03-15T12:30:00Z')],
    ['DATEADD("07/10/19", 10, "days")', D('2019-07-20')],
    ['DATEADD("2024-01-31", 1, "months")', D('2024-02-29')],
    ['DATEADD("2023-01-31", 1, "months")', D('2023-02-28')],
    ['DATEADD("2024-03-15", 1, "M")', D('2024-04-15')],
    ['DATEADD("2024-03-15", 2, "weeks")', D('2024-03-29')],
    ['DATEADD("2024-03-15", -1, "years")', D('2023-03-15')],
    ['DATEADD("2024-02-29", 1, "year")', D('2025-02-28')],
    ['DATEADD("2024-03-15", 1, "quarters")', D('2024-06-15')],
    ['DATEADD("2024-03-15T10:00:00Z", 90, "minutes")', D('2024-03-15T11:30:00Z')],
    ['DATEADD("2024-03-15T10:00:00Z", 3, "h")', D('2024-03-15T13:00:00Z')],
    ['DATEADD("2024-03-15T10:00:00Z", 1500, "ms")', D('2024-03-15T10:00:01.500Z')],
    ['DATEADD({d}, 1, "day")', D('2024-03-16'), { d: D('2024-03-15') }],
    ['DATEADD("2024-03-15", 1, "fortnight")', ERR],
    ['DATEADD(BLANK(), 1, "days")', ERR],
    ['DATEADD("not a date", 1, "days")', ERR],
  ])
})

describe('§9.4 DATETIME_DIFF', () => {
  run([
    ['DATETIME_DIFF("04/06/2019 12:00", "04/05/2019 11:00", "hours")', 25],
    ['DATETIME_DIFF("2024-03-15", "2024-03-14")', 86400],
    ['DATETIME_DIFF("2022/10/14", "2022/10/15")', -86400],
    ['DATETIME_DIFF("2022/10/14", "2022/10/15", "days")', -1],
    ['DATETIME_DIFF("2022/10/14 2:00 pm", "2022.10.14", "hours")', 14],
    ['DATETIME_DIFF("10/14/2022", "2022/10/15")', -86400],
    ['DATETIME_DIFF("2022/13/01", "2022/10/15")', ERR],
    ['DATETIME_DIFF("2024-03-14", "2024-03-15", "days")', -1],
    ['DATETIME_DIFF("2024-03-15T23:00:00Z", "2024-03-14T00:00:00Z", "days")', 1],
    ['DATETIME_DIFF("2024-03-14T00:00:00Z", "2024-03-15T23:00:00Z", "days")', -1],
    ['DATETIME_DIFF("2024-03-31", "2024-02-29", "months")', 1],
    ['DATETIME_DIFF("2024-02-28", "2024-01-31", "months")', 0],
    ['DATETIME_DIFF("2024-07-01", "2024-01-01", "M")', 6],
    ['DATETIME_DIFF("2024-07-01", "2024-01-01", "Q")', 2],
    ['DATETIME_DIFF("2025-03-15", "2024-03-15", "years")', 1],
    ['DATETIME_DIFF("2025-03-14", "2024-03-15", "years")', 0],
    ['DATETIME_DIFF("2024-03-15", "2024-03-01", "w")', 2],
    ['DATETIME_DIFF("2024-03-15T01:00:00Z", "2024-03-15", "m")', 60],
    ['DATETIME_DIFF("2024-03-15", "2024-03-15T00:00:01Z", "ms")', -1000],
    ['DATETIME_DIFF(TODAY(), "2024-03-10", "days")', 5],
    ['DATETIME_DIFF({a}, {b}, "days") = 0', true, { a: D('2024-03-15'), b: D('2024-03-15') }],
    ['DATETIME_DIFF(BLANK(), TODAY(), "days")', ERR],
  ])
})

describe('§7 DATETIME_FORMAT with moment tokens, SET_TIMEZONE, SET_LOCALE', () => {
  const t = '"2024-03-15T13:05:09.042Z"'
  run([
    ['DATETIME_FORMAT("2024-03-15", "YYYY-MM-DD")', '2024-03-15'],
    ['DATETIME_FORMAT("2024-03-15", "YY")', '24'],
    ['DATETIME_FORMAT("2024-03-05", "M/D/YYYY")', '3/5/2024'],
    ['DATETIME_FORMAT("2024-03-05", "MM/DD")', '03/05'],
    ['DATETIME_FORMAT("2024-03-15", "MMM MMMM")', 'Mar March'],
    ['DATETIME_FORMAT("2024-03-15", "Do")', '15th'],
    ['DATETIME_FORMAT("2024-03-15", "DDD DDDD")', '75 075'],
    ['DATETIME_FORMAT("2024-03-15", "d ddd dddd")', '5 Fri Friday'],
    ['DATETIME_FORMAT("2024-03-17", "E")', '7'],
    ['DATETIME_FORMAT("2024-03-15", "Q")', '1'],
    ['DATETIME_FORMAT("2024-03-15", "w W WW")', '11 11 11'],
    ['DATETIME_FORMAT("2024-03-15", "L")', '03/15/2024'],
    ['DATETIME_FORMAT("2024-03-15", "LL")', 'March 15, 2024'],
    ['DATETIME_FORMAT("2024-03-15", "[Day] D")', 'Day 15'],
    [`DATETIME_FORMAT(${t}, "H HH h hh m mm s ss SSS a A")`, '13 13 1 01 5 05 9 09 042 pm PM'],
    [`DATETIME_FORMAT(${t}, "X")`, '1710507909'],
    [`DATETIME_FORMAT(${t}, "x")`, '1710507909042'],
    [`DATETIME_FORMAT(${t}, "Z ZZ")`, '+00:00 +0000'],
    [`DATETIME_FORMAT(${t})`, '2024-03-15T13:05:09.042Z'],
    [
      'DATETIME_FORMAT(SET_TIMEZONE("2024-03-15T12:00:00Z", "America/New_York"), "YYYY-MM-DD HH:mm")',
      '2024-03-15 08:00',
    ],
    [
      'DATETIME_FORMAT(SET_TIMEZONE("2024-01-15T12:00:00Z", "Asia/Tokyo"), "HH:mm Z")',
      '21:00 +09:00',
    ],
    ['HOUR(SET_TIMEZONE("2024-03-15T12:00:00Z", "Asia/Tokyo"))', 12],
    ['DATETIME_FORMAT(SET_LOCALE("2024-03-15", "fr"), "dddd D MMMM")', 'vendredi 15 mars'],
    ['DATETIME_FORMAT(SET_LOCALE("2024-03-15", "es"), "MMMM")', 'marzo'],
    ['DATETIME_FORMAT(SET_TIMEZONE("2024-03-15", "Not/AZone"), "HH")', ERR],
    ['DATETIME_FORMAT(BLANK(), "YYYY")', ERR],
    ['SET_TIMEZONE("2024-03-15", "Asia/Tokyo") = DATETIME_PARSE("2024-03-15")', true],
  ])
})

describe('§9.4 DATETIME_PARSE, DATESTR, TIMESTR', () => {
  run([
    ['DATETIME_PARSE("2024-03-15")', D('2024-03-15')],
    ['DATETIME_PARSE("15/03/2024", "DD/MM/YYYY")', D('2024-03-15')],
    ['DATETIME_PARSE("4 Mar 2017 7:00")', D('2017-03-04T07:00:00Z')],
    ['DATETIME_PARSE("02/17/2013 7:31")', D('2013-02-17T07:31:00Z')],
    ['DATETIME_PARSE("March 4, 2017")', D('2017-03-04')],
    ['DATETIME_PARSE("2024-03-15T18:30:00+02:00")', D('2024-03-15T16:30:00Z')],
    ['DATETIME_PARSE("3/15/2024 3:45 pm")', D('2024-03-15T15:45:00Z')],
    ['DATETIME_PARSE("3:45 PM 2024-03-15", "h:mm A YYYY-MM-DD")', D('2024-03-15T15:45:00Z')],
    ['DATETIME_PARSE("4 mars 2017", "D MMMM YYYY", "fr")', D('2017-03-04')],
    ['DATETIME_PARSE("garbage")', ERR],
    ['DATETIME_PARSE("2024-02-30")', ERR],
    ['DATETIME_PARSE("13/45/2024")', ERR],
    ['DATESTR("12/13/21")', '2021-12-13'],
    ['DATESTR("2024-03-15T23:59:59Z")', '2024-03-15'],
    ['TIMESTR("2024-03-15T13:05:09Z")', '13:05:09'],
  ])
})

describe('§9.4 parts: YEAR…SECOND, WEEKDAY, WEEKNUM', () => {
  const t = '"2024-03-15T13:05:09Z"'
  run([
    [`YEAR(${t})`, 2024],
    [`MONTH(${t})`, 3],
    [`DAY(${t})`, 15],
    [`HOUR(${t})`, 13],
    [`MINUTE(${t})`, 5],
    [`SECOND(${t})`, 9],
    ['YEAR({d})', 2023, { d: D('2023-12-31T23:59:59Z') }],
    ['WEEKDAY("2021-06-09")', 3],
    ['WEEKDAY("2024-03-17")', 0],
    ['WEEKDAY("2024-03-17", "Monday")', 6],
    ['WEEKDAY("2024-03-18", "Monday")', 0],
    ['WEEKNUM("02/17/2013")', 8],
    ['WEEKNUM("2024-01-01")', 1],
    ['WEEKNUM("2024-03-15")', 11],
    ['WEEKNUM("2024-03-17")', 12],
    ['WEEKNUM("2024-03-17", "Monday")', 11],
    ['WEEKNUM("2024-12-31")', 1],
  ])
})

describe('§9.4 WORKDAY, WORKDAY_DIFF, IS_SAME, IS_AFTER, IS_BEFORE, TONOW, FROMNOW', () => {
  run([
    ['WORKDAY("2020-10-16", 10, "2020-10-16, 2020-10-19")', D('2020-11-02')],
    ['WORKDAY("2024-03-15", 1)', D('2024-03-18')],
    ['WORKDAY("2024-03-18", -1)', D('2024-03-15')],
    ['WORKDAY("2024-03-15", 0)', D('2024-03-15')],
    ['WORKDAY("2024-03-15", 5)', D('2024-03-22')],
    ['WORKDAY_DIFF("2020-10-16", "2020-11-02", "2020-10-16, 2020-10-19")', 10],
    ['WORKDAY_DIFF("2024-03-11", "2024-03-15")', 5],
    ['WORKDAY_DIFF("2024-03-15", "2024-03-11")', -5],
    ['WORKDAY_DIFF("2024-03-16", "2024-03-17")', 0],
    ['WORKDAY_DIFF("2024-03-01", "2024-03-31")', 21],
    ['IS_SAME("2024-03-15T01:00:00Z", "2024-03-15T23:00:00Z", "day")', true],
    ['IS_SAME("2024-03-15T01:00:00Z", "2024-03-15T23:00:00Z")', false],
    ['IS_SAME("2024-03-15", "2024-03-15")', true],
    ['IS_SAME("2024-03-01", "2024-03-31", "month")', true],
    ['IS_SAME("2024-03-01", "2024-04-01", "month")', false],
    ['IS_SAME("2024-01-01", "2024-12-31", "year")', true],
    ['IS_AFTER("1/1/1979", "1/1/2000")', false],
    ['IS_BEFORE("1/1/1979", "1/1/2000")', true],
    ['IS_AFTER("2024-03-15", "2024-03-15")', false],
    ['IS_AFTER(NOW(), TODAY())', true],
    ['TONOW("2024-03-10")', 5],
    ['FROMNOW("2024-03-20")', 4],
  ])
})
