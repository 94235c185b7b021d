import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { compileFilter, type CompiledFilter } from '../formula/index.ts'
import { filterRecords } from './formula-filter.ts'
import {
  NOW_MS,
  expectedIds,
  fieldOf,
  formulaArb,
  parse,
  recordsArb,
} from './formula-sql.testing.ts'
import { loadTableRecords, upsertRecords, type MirrorRecord } from './records.ts'
import { testBackends, type TestDb } from './test-backends.ts'

const T = { baseId: 'appFormulaSql0001', tableId: 'tblFormulaSql0001' }
const RECORDS = 50
const FORMULAS = 250

const resolver = { field: fieldOf }

async function sqlIds(
  db: TestDb,
  formula: string,
): Promise<{ ids: string[]; compiled: CompiledFilter }> {
  const ast = parse(formula)
  const compiled = compileFilter(ast, resolver, { nowMs: NOW_MS })
  const rows = await filterRecords(db, {
    ...T,
    formula: ast,
    compiled,
    field: fieldOf,
    nowMs: NOW_MS,
  })
  return { ids: rows.map((r) => r.id), compiled }
}

for (const backend of testBackends()) {
  describe(`${backend.name}: formula → SQL agrees with the evaluator`, () => {
    let db: TestDb
    let rows: MirrorRecord[]
    const kinds = { sql: 0, partial: 0, js: 0 }

    beforeAll(async () => {
      db = await backend.open()
      const [records] = fc.sample(recordsArb(RECORDS), 1)
      await upsertRecords(db, { ...T, records: records ?? [], source: 'test' })
      rows = await loadTableRecords(db, T)
    })
    afterAll(async () => {
      await db.close()
    })

    test(`${FORMULAS} random formulas × ${RECORDS} random records`, async () => {
      await fc.assert(
        fc.asyncProperty(formulaArb, async (formula) => {
          const ast = parse(formula)
          const { ids, compiled } = await sqlIds(db, formula)
          kinds[compiled.kind]++
          const expected = expectedIds(rows, ast)
          if (ids.join() !== expected.join()) {
            const differ = rows.filter((r) => ids.includes(r.id) !== expected.includes(r.id))
            throw new Error(
              `${formula}\n${JSON.stringify(compiled)}\nrows: ${JSON.stringify(differ.slice(0, 3))}`,
            )
          }
        }),
        { numRuns: FORMULAS },
      )
      // The grammar must exercise the compiler, not only the JS fallback.
      expect(kinds.sql + kinds.partial).toBeGreaterThan(FORMULAS / 4)
    })
  })
}
