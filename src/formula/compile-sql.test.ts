import { describe, expect, test } from 'vitest'
import { checkFormula } from './check.ts'
import {
  compileFilter,
  COMPILED_FUNCTIONS,
  JS_ONLY_FUNCTIONS,
  type CompiledFilter,
} from './compile-sql.ts'
import { FUNCTIONS } from './functions/index.ts'
import type { SqlField } from './sql/types.ts'

const FIELDS: Record<string, SqlField> = {
  Name: { id: 'fldName', type: 'singleLineText' },
  Num: { id: 'fldNum', type: 'number' },
  Done: { id: 'fldDone', type: 'checkbox' },
  Tags: { id: 'fldTags', type: 'multipleSelects' },
  Link: { id: 'fldLink', type: 'multipleRecordLinks' },
  At: { id: 'fldAt', type: 'dateTime' },
  Mails: { id: 'fldMails', type: 'multipleLookupValues', options: { result: { type: 'email' } } },
}
const resolver = { field: (name: string) => FIELDS[name] }
const NOW_MS = Date.UTC(2024, 2, 15, 12, 30)

function compile(formula: string): CompiledFilter {
  const ast = checkFormula(formula, { hasField: (name) => FIELDS[name] !== undefined })
  return compileFilter(ast, resolver, { nowMs: NOW_MS })
}

describe('compileFilter', () => {
  test.each([
    ['{Name} = "Paid"', ['fldName', 'Paid']],
    ['{Num} < 50', ['fldNum', 50, 'NaN']],
    ['RECORD_ID() = "recA"', ['recA']],
    ['{Done}', ['fldDone']],
    ['AND({Num} > 1, {Done})', ['fldNum', 1, 'NaN', 'fldDone']],
  ])('%s compiles exactly with parameters %j', (formula, params) => {
    const compiled = compile(formula)
    expect(compiled.kind).toBe('sql')
    if (compiled.kind !== 'sql') return
    expect(compiled.where.params).toEqual(params)
    // Every value is a parameter: no string literals, placeholders only up to the params.
    expect(compiled.where.text).not.toMatch(/'/)
    const used = [...compiled.where.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]))
    expect(Math.max(...used)).toBe(params.length)
  })

  test('text equality is binary and blank-aware (COALESCE via concat)', () => {
    const compiled = compile('{Name} = ""')
    expect(compiled.kind === 'sql' && compiled.where.text).toContain('concat(')
  })

  test.each([
    ['{Name} = "a@x.io"', 'airsync_text((r.fields -> $1::text)) = $2::text'],
    ['"a@x.io" = {Name}', 'airsync_text((r.fields -> $1::text)) = $2::text'],
    ['{Tags} = "a@x.io"', 'airsync_list_key((r.fields -> $1::text)) = $2::text'],
    ['{Mails} = "a@x.io"', 'airsync_list_key((r.fields -> $1::text)) = $2::text'],
  ])('%s compiles to the indexed key comparison', (formula, comparison) => {
    const compiled = compile(formula)
    if (compiled.kind === 'js') throw new Error('not compiled')
    expect(compiled.where.text).toContain(comparison)
    expect(compiled.where.text).not.toMatch(/COALESCE|concat/)
    expect(compiled.where.params).toEqual([
      formula.includes('Name') ? 'fldName' : expect.any(String),
      'a@x.io',
    ])
  })

  test('a list key the SQL cannot read (NULL) is left to the JS residual', () => {
    const compiled = compile('{Mails} = "a@x.io"')
    expect(compiled.kind).toBe('partial')
    if (compiled.kind !== 'partial') return
    expect(compiled.recheck?.text).toBe('(airsync_list_key((r.fields -> $1::text)) IS NULL)')
    expect(compiled.residual).toMatchObject({ kind: 'binary', op: '=' })
  })

  test('division guards zero instead of raising', () => {
    const compiled = compile('1 / {Num}')
    expect(compiled.kind).toBe('sql')
    expect(compiled.kind === 'sql' && compiled.where.text).toMatch(
      /CASE WHEN COALESCE\(.*\) = 0 THEN/,
    )
  })

  test.each([
    ['{Link} = "x"', 'js'],
    ['REGEX_MATCH({Name}, "a+")', 'js'],
    ['AND({Num} > 1, REGEX_MATCH({Name}, "^(a+)+$"))', 'partial'],
    ['CEILING({Num})', 'js'],
    ['MOD({Num}, 3) = 1', 'partial'],
    ['DATEADD({At}, 1, "months")', 'js'],
    ['IS_SAME({At}, NOW(), "months")', 'partial'],
    ['AND({Num} > 1, {Link})', 'partial'],
    ['AND({Num} > 1, {Name} = "a\u0000b")', 'partial'],
    ['{Num} & "" = "12"', 'sql'],
  ])('%s → %s', (formula, kind) => {
    expect(compile(formula).kind).toBe(kind)
  })

  test('a partial result keeps the uncompiled conjuncts as an AND residual', () => {
    const compiled = compile('AND({Num} > 1, {Link}, {Done})')
    expect(compiled.kind).toBe('partial')
    if (compiled.kind !== 'partial') return
    expect(compiled.residual).toMatchObject({
      kind: 'call',
      name: 'AND',
      args: [{ kind: 'field', name: 'Link' }],
    })
    expect(compiled.where.params).toContain('fldDone')
  })

  test('field names and literals with quotes and $n stay out of the SQL text', () => {
    const compiled = compile(`{Name} = "'; DROP TABLE records; -- $1"`)
    expect(compiled.kind).toBe('sql')
    if (compiled.kind !== 'sql') return
    expect(compiled.where.text).not.toContain('DROP')
    expect(compiled.where.params).toContain("'; DROP TABLE records; -- $1")
  })

  test('every function of the evaluator compiles or is documented as JS-only, not both', () => {
    const compiled = new Set(COMPILED_FUNCTIONS)
    for (const name of FUNCTIONS.keys()) {
      expect({ name, covered: compiled.has(name) !== JS_ONLY_FUNCTIONS.has(name) }).toEqual({
        name,
        covered: true,
      })
    }
    expect([...JS_ONLY_FUNCTIONS.keys()].filter((name) => !FUNCTIONS.has(name))).toEqual([])
  })

  test('a date read several times is parsed once per row, and the SQL stays small', () => {
    const compiled = compile('AND(WEEKDAY({At}) = 0, HOUR({At}) < 12, MINUTE({At}) != 30)')
    expect(compiled.kind).toBe('partial')
    if (compiled.kind !== 'partial') return
    expect(compiled.where.text.match(/airsync_iso_ms/g)).toHaveLength(3) // one per conjunct
    expect(compiled.where.text.length).toBeLessThan(2500)
    // Only rows whose date text the SQL could not read need the JS residual.
    expect(compiled.recheck?.text).toMatch(/airsync_iso_ms/)
  })

  test("a caller's regex pattern never reaches SQL, not even as a parameter", () => {
    const compiled = compile('AND({Num} > 1, REGEX_MATCH({Name}, "^(a+)+$"))')
    expect(compiled.kind === 'partial' && compiled.where.params).not.toContain('^(a+)+$')
    expect(compiled.kind === 'partial' && compiled.where.text).not.toMatch(/~/)
  })
})
