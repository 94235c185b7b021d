import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { compileFilter, type CompiledFilter } from '../formula/index.ts'
import { filterRecords } from './formula-filter.ts'
import {
  NOW_MS,
  expectedIds,
  fieldOf,
  parse,
  quote,
  recordsArb,
  ref,
} from './formula-sql.testing.ts'
import { countRecords, loadTableRecords, upsertRecords, type MirrorRecord } from './records.ts'
import { testBackends, type TestDb } from './test-backends.ts'

const T = { baseId: 'appInjection00001', tableId: 'tblInjection00001' }

/** Payloads built to leave a string literal, a parameter or a comment in SQL. */
const PAYLOADS = [
  "'; DROP TABLE records; --",
  "' OR '1'='1",
  '"; DROP TABLE records; --',
  '$1',
  '$2::text',
  '$$ || pg_sleep(1) || $$',
  '$tag$ x $tag$',
  '\\',
  "\\'",
  '/* comment',
  '*/ OR true --',
  '-- comment',
  "E'\\x27'",
  "U&'\\0027'",
  '\u0000',
  "abc\u0000'; DROP TABLE records; --",
  ') OR (1=1',
  '); DELETE FROM records; --',
]

const payload = fc.oneof(
  fc.constantFrom(...PAYLOADS),
  fc.tuple(fc.constantFrom(...PAYLOADS), fc.string({ maxLength: 5 })).map(([p, s]) => p + s),
)

/** Formulas that put a payload where user text goes: literals, regexes, units, field names. */
const hostileFormula = fc.oneof(
  payload.map((p) => `{Name} = ${quote(p)}`),
  payload.map((p) => `FIND(${quote(p, false)}, {Name} & ${ref(`No'tes "q" $1`)})`),
  payload.map((p) => `OR({Num} > 1, ${quote(p)} & "x" = {Name})`),
  payload.map((p) => `SUBSTITUTE({Name}, ${quote(p)}, ${quote(p, false)}) != ""`),
  payload.map((p) => `REGEX_MATCH({Name}, ${quote(p)})`),
  payload.map((p) => `DATETIME_DIFF({At}, ${quote(p)}, ${quote(p)}) > 0`),
  payload.map((p) => `AND({Num}, ${ref(`No'tes "q" $1`)} = ${quote(p)}, LEN(${quote(p)}) > 0)`),
  payload.map((p) => `IF({Done}, ${quote(p)}, {Status}) = "Todo"`),
)

/** Literal user text that must never appear in SQL text (short strings could occur by chance). */
function userTexts(formula: string): string[] {
  // `$2::text` is also what the compiler's own placeholders look like.
  return PAYLOADS.filter((p) => p.length >= 4 && !p.startsWith('$2') && formula.includes(p))
}

function sqlText(compiled: CompiledFilter): string {
  return compiled.kind === 'js' ? '' : compiled.where.text
}

for (const backend of testBackends()) {
  describe(`${backend.name}: formulas built to break out into SQL are harmless`, () => {
    let db: TestDb
    let rows: MirrorRecord[]

    beforeAll(async () => {
      db = await backend.open()
      const [records] = fc.sample(recordsArb(30), 1)
      const poisoned = (records ?? []).map((record, i) => ({
        ...record,
        fields: {
          ...record.fields,
          fldName: PAYLOADS[i % PAYLOADS.length]?.replaceAll('\u0000', ''),
        },
      }))
      await upsertRecords(db, { ...T, records: poisoned, source: 'test' })
      rows = await loadTableRecords(db, T)
    })
    afterAll(async () => {
      await db.close()
    })

    test('user text travels only as parameters; results agree; the tables survive', async () => {
      await fc.assert(
        fc.asyncProperty(hostileFormula, async (formula) => {
          const ast = parse(formula)
          const compiled = compileFilter(ast, { field: fieldOf }, { nowMs: NOW_MS })
          const text = sqlText(compiled)
          for (const user of userTexts(formula)) expect(text).not.toContain(user)
          expect(text).not.toMatch(/'/)
          if (compiled.kind !== 'js') {
            expect(
              compiled.where.params.some((p) => typeof p === 'string' && p.includes('\u0000')),
            ).toBe(false)
          }
          const got = await filterRecords(db, {
            ...T,
            formula: ast,
            compiled,
            field: fieldOf,
            nowMs: NOW_MS,
          })
          expect(got.map((r) => r.id)).toEqual(expectedIds(rows, ast))
        }),
        { numRuns: 300 },
      )
      expect((await countRecords(db, T.baseId)).get(T.tableId)).toBe(rows.length)
    })

    test('NUL in a literal never reaches SQL: that conjunct runs in JS', () => {
      const ast = parse(`AND({Num} > 1, {Name} = "a\u0000b")`)
      const compiled = compileFilter(ast, { field: fieldOf }, { nowMs: NOW_MS })
      expect(compiled.kind).toBe('partial')
      if (compiled.kind === 'partial') {
        expect(compiled.where.params).not.toContain('a\u0000b')
      }
    })
  })
}
