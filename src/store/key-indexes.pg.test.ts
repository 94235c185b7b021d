import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { compileFilter, keyKind } from '../formula/index.ts'
import { filterRecords } from './formula-filter.ts'
import {
  FIELDS,
  NOW_MS,
  expectedIds,
  fieldOf,
  parse,
  quote,
  recordsArb,
  ref,
} from './formula-sql.testing.ts'
import { ensureKeyIndexes, keyIndexDdl, keyIndexName, type KeyIndex } from './key-indexes.ts'
import { loadTableRecords, upsertRecords, type MirrorRecord } from './records.ts'
import { testBackends, type TestDb } from './test-backends.ts'

const T = { baseId: 'appKeyIndexes0001', tableId: 'tblKeyIndexes0001' }
const resolver = { field: fieldOf }

/** Every field a keyed equality covers (text-like and text lists). */
const KEYED = FIELDS.filter((f) => keyKind(f) !== undefined)
const KEYS: KeyIndex[] = KEYED.map((f) => ({ ...T, fieldId: f.id, kind: keyKind(f)! }))
const LITERALS = [' ', 'abc', 'Todo', 'Red', 'Red, Blue', 'a@x.io', 'a@x.io, b@y.io', "it's", '😀']
/** Cells of the list fields SQL cannot read exactly: the residual decides them. */
const ODD_CELLS: Record<string, unknown>[] = [
  { fldMails: 'a@x.io' },
  { fldMails: ['a@x.io', 3] },
  { fldMails: [''] },
  { fldMails: [] },
  { fldMails: [null] },
  { fldMails: ['a@x.io', 'b@y.io'] },
  { fldMails: ['Red, Blue'] },
  { fldTags: 'Red' },
  { fldTags: ['Red', 'Blue'] },
  { fldName: ['abc'] },
  { fldName: 7 },
]

const formulas = KEYED.flatMap((f) =>
  LITERALS.flatMap((v) => [`${ref(f.name)} = ${quote(v)}`, `${quote(v)} = ${ref(f.name)}`]),
)

async function sqlIds(db: TestDb, formula: string): Promise<string[]> {
  const ast = parse(formula)
  const compiled = compileFilter(ast, resolver, { nowMs: NOW_MS })
  expect(compiled.kind, formula).not.toBe('js')
  const rows = await filterRecords(db, {
    ...T,
    formula: ast,
    compiled,
    field: fieldOf,
    nowMs: NOW_MS,
  })
  return rows.map((r) => r.id)
}

for (const backend of testBackends()) {
  describe(`${backend.name}: keyed equalities agree with the evaluator, with or without indexes`, () => {
    let db: TestDb
    let rows: MirrorRecord[]

    beforeAll(async () => {
      db = await backend.open()
      const [random] = fc.sample(recordsArb(60), 1)
      const odd = ODD_CELLS.map((fields, i) => ({
        id: `recOdd${String(i).padStart(11, '0')}`,
        createdTime: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
        fields,
      }))
      await upsertRecords(db, { ...T, records: [...(random ?? []), ...odd], source: 'test' })
      rows = await loadTableRecords(db, T)
    })
    afterAll(async () => {
      await db.close()
    })

    test(`${formulas.length} field = text formulas, before and after ensureKeyIndexes`, async () => {
      for (const formula of formulas) {
        expect(await sqlIds(db, formula), formula).toEqual(expectedIds(rows, parse(formula)))
      }
      const created = await ensureKeyIndexes(db, { baseId: T.baseId, keys: KEYS })
      expect(created).toHaveLength(KEYS.length)
      expect(await ensureKeyIndexes(db, { baseId: T.baseId, keys: KEYS })).toEqual([])
      for (const formula of formulas) {
        expect(await sqlIds(db, formula), formula).toEqual(expectedIds(rows, parse(formula)))
      }
    })

    test('the compiled equality is what the index stores (the planner can use it)', async () => {
      await ensureKeyIndexes(db, { baseId: T.baseId, keys: KEYS })
      for (const key of KEYS) {
        const field = fieldOf(key.fieldId)!
        const compiled = compileFilter(parse(`${ref(field.name)} = "a@x.io"`), resolver, {
          nowMs: NOW_MS,
        })
        if (compiled.kind === 'js') throw new Error('not compiled')
        const plan = await db.transaction(async (tx) => {
          await tx.exec('set local enable_seqscan = off')
          const where = compiled.where.text.replace(
            /\$(\d+)/g,
            (_m, n: string) => `$${Number(n) + 2}`,
          )
          const explained = await tx.query<Record<string, string>>(
            `explain select id from records r where r.base_id = $1 and r.table_id = $2 and ${where}`,
            [T.baseId, T.tableId, ...compiled.where.params],
          )
          return explained.map((row) => Object.values(row)[0]).join('\n')
        })
        expect(plan, field.name).toContain(keyIndexName(T.baseId, key))
      }
    })
  })
}

test('index DDL takes IDs only in their alphabet', () => {
  const key: KeyIndex = { tableId: 'tblA', fieldId: "fld'; drop table records; --", kind: 'text' }
  expect(() => keyIndexDdl('appA', key)).toThrow(/not an Airtable ID/)
  expect(keyIndexDdl('appA', { ...key, fieldId: 'fldB' })).toContain(
    `airsync_text((fields -> 'fldB'))`,
  )
})
