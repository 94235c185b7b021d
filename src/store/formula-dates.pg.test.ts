/**
 * Date strings in date functions, checked in the evaluator and in SQL alike (airtable-formula.md
 * §7): ISO, year-first with slashes, US month/day order, month names, with and without times.
 * Each case is a filter `<formula> = <expected>` over one record: the evaluator must keep the
 * record, and the compiled SQL must keep it too, compiled (not left wholly to the JS fallback).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { compileFilter } from '../formula/index.ts'
import { filterRecords } from './formula-filter.ts'
import { NOW_MS, expectedIds, fieldOf, parse } from './formula-sql.testing.ts'
import { loadTableRecords, upsertRecords, type MirrorRecord } from './records.ts'
import { testBackends, type TestDb } from './test-backends.ts'

const T = { baseId: 'appFormulaDate001', tableId: 'tblFormulaDate001' }

/** [formula, the number it equals] */
const CASES: readonly [string, number][] = [
  ['DATETIME_DIFF("2022/10/14", "2022/10/15")', -86400],
  ['DATETIME_DIFF("2022/10/14", "2022/10/15", "days")', -1],
  ['DATETIME_DIFF("2022/10/15", "2022/10/14", "hours")', 24],
  ['DATETIME_DIFF("2022/10/14 10:30", "2022/10/14", "minutes")', 630],
  ['DATETIME_DIFF("2022/10/14 2:00 pm", "2022/10/14", "h")', 14],
  ['DATETIME_DIFF("10/14/2022", "10/15/2022")', -86400],
  ['DATETIME_DIFF("10/15/2022 12:00", "10/14/2022", "h")', 36],
  ['DATETIME_DIFF("2022-10-14", "2022-10-15")', -86400],
  ['DATETIME_DIFF("2022-10-14T12:00:00.000Z", "2022-10-14", "hours")', 12],
  ['DATETIME_DIFF("2022-10-14T12:00:00+02:00", "2022-10-14", "hours")', 10],
  ['DATETIME_DIFF("October 15, 2022", "2022/10/14", "days")', 1],
  ['DATETIME_DIFF("15 Oct 2022 6:00", "2022/10/15", "minutes")', 360],
  ['DATETIME_DIFF("2022/1/5", "2022/01/04", "days")', 1],
  ['YEAR("2022/10/14")', 2022],
  ['MONTH("2022/10/14")', 10],
  ['DAY("10/14/2022")', 14],
  ['HOUR("2022/10/14 23:15")', 23],
  ['DATETIME_DIFF(DATEADD("2022/10/14", 1, "days"), "10/14/2022", "days")', 1],
  ['IF(IS_BEFORE("2022/10/14", "2022/10/15"), 1, 0)', 1],
  ['IF(IS_SAME("2022/10/14", "10/14/2022", "day"), 1, 0)', 1],
]

/** Strings that are not dates: the functions give an error, so `ISERROR` is true in both. */
const NOT_DATES = ['2022/13/01', '14/10/2022', 'next tuesday']

for (const backend of testBackends()) {
  describe(`${backend.name}: date strings in the evaluator and in SQL`, () => {
    let db: TestDb
    let rows: MirrorRecord[]

    beforeAll(async () => {
      db = await backend.open()
      await upsertRecords(db, {
        ...T,
        records: [{ id: 'recFormulaDate001', createdTime: '2024-01-01T00:00:00.000Z', fields: {} }],
        source: 'test',
      })
      rows = await loadTableRecords(db, T)
    })
    afterAll(async () => {
      await db.close()
    })

    async function agree(formula: string): Promise<void> {
      const ast = parse(formula)
      expect(expectedIds(rows, ast), `evaluator: ${formula}`).toEqual(['recFormulaDate001'])
      const compiled = compileFilter(ast, { field: fieldOf }, { nowMs: NOW_MS })
      // 'partial' keeps a JS residual only for instants outside Postgres's date range.
      expect(compiled.kind, `compiled: ${formula}`).not.toBe('js')
      const kept = await filterRecords(db, {
        ...T,
        formula: ast,
        compiled,
        field: fieldOf,
        nowMs: NOW_MS,
      })
      expect(
        kept.map((r) => r.id),
        `SQL: ${formula}`,
      ).toEqual(['recFormulaDate001'])
    }

    test.each(CASES)('%s = %d', async (formula, expected) => {
      await agree(`${formula} = ${expected}`)
    })

    test.each(NOT_DATES)('"%s" is not a date', async (text) => {
      await agree(`ISERROR(DATETIME_DIFF("${text}", "2022/10/14"))`)
    })
  })
}
