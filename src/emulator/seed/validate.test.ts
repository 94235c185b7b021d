import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { BaseDefinitionError, loadSeed, parseBaseDefinition } from './index.ts'

function problemsOf(input: unknown): readonly string[] {
  try {
    parseBaseDefinition(input)
  } catch (error) {
    if (error instanceof BaseDefinitionError) return error.problems
    throw error
  }
  return []
}

const people = { name: 'People', fields: [{ name: 'Name', type: 'singleLineText' }] }

describe('parseBaseDefinition', () => {
  test('a valid definition passes', () => {
    expect(problemsOf({ name: 'B', tables: [people] })).toEqual([])
  })

  test.each([
    [{ tables: [] }, 'name: Invalid input: expected string, received undefined'],
    [
      { name: 'B', tables: [{ name: 'T', fields: [] }] },
      'tables[0].fields: a table needs at least one field',
    ],
    [
      { name: 'B', tables: [{ name: 'T', fields: [{ name: 'X', type: 'bogus' }] }] },
      'tables[0].fields[0].type: unknown field type "bogus"',
    ],
    [{ name: 'B', id: 'app123', tables: [] }, 'id: must be "app" followed by 14 letters or digits'],
    [
      {
        name: 'B',
        tables: [
          {
            name: 'T',
            fields: [{ name: 'X', type: 'singleLineText' }],
            records: [{ createdTime: 'yesterday', fields: {} }],
          },
        ],
      },
      'tables[0].records[0].createdTime: Invalid ISO datetime',
    ],
  ])('shape errors name the path: %j', (input, problem) => {
    expect(problemsOf(input)).toContain(problem)
  })

  test('cross-reference errors are all reported, each with its path', () => {
    const problems = problemsOf({
      name: 'B',
      tables: [
        people,
        { name: 'people', fields: [{ name: 'X', type: 'singleLineText' }] },
        {
          name: 'Orders',
          fields: [
            { name: 'Ref', type: 'singleLineText' },
            { name: 'Ref', type: 'number' },
            { name: 'Buyer', type: 'multipleRecordLinks', options: { linkedTable: 'Customers' } },
            { name: 'Who', type: 'multipleRecordLinks' },
            { name: 'Owner', type: 'multipleRecordLinks', options: { linkedTable: 'People' } },
            {
              name: 'Owner Age',
              type: 'multipleLookupValues',
              options: { linkField: 'Owner', lookupField: 'Age' },
            },
            { name: 'Count', type: 'count', options: { linkField: 'Ref' } },
            { name: 'F', type: 'formula' },
          ],
          views: [{ name: 'By date', sort: [{ field: 'Date' }] }],
          records: [{ fields: { Ref: 'A', Colour: 'red' } }],
        },
      ],
    })
    expect(problems).toEqual([
      'duplicate table name "people"',
      'tables[2] ("Orders"): duplicate field name "Ref"',
      'tables[2] ("Orders").fields[2] ("Buyer"): linkedTable "Customers" is not a table of this base',
      'tables[2] ("Orders").fields[3] ("Who"): a link field needs options.linkedTable',
      'tables[2] ("Orders").fields[5] ("Owner Age"): lookupField "Age" is not a field of table "People"',
      'tables[2] ("Orders").fields[6] ("Count"): linkField "Ref" is not a link field of table "Orders"',
      'tables[2] ("Orders").fields[7] ("F"): a formula field needs options.formula',
      'tables[2] ("Orders").views[0] ("By date"): sort field "Date" is not a field of "Orders"',
      'tables[2] ("Orders").records[0]: unknown field "Colour"',
    ])
  })

  test('the error message lists the problems and names the source', () => {
    const error = (() => {
      try {
        parseBaseDefinition({ name: '', tables: [] }, 'my-base.json')
      } catch (e) {
        return e as Error
      }
      return undefined
    })()
    expect(error?.message).toBe('Invalid my-base.json:\n  - name: a base needs a name')
  })

  test('a definition file that is not JSON fails with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'))
    const file = join(dir, 'bad.json')
    writeFileSync(file, '{ nope')
    expect(() => loadSeed({ file })).toThrow(/Invalid .*bad\.json:\n {2}- not JSON/)
  })

  test('a load-time refusal (bad formula) becomes a definition error naming the field', () => {
    const def = {
      name: 'B',
      tables: [
        {
          name: 'T',
          fields: [
            { name: 'Name', type: 'singleLineText' },
            { name: 'F', type: 'formula', options: { formula: '{Nope} + 1' } },
          ],
        },
      ],
    }
    const dir = mkdtempSync(join(tmpdir(), 'seed-'))
    const file = join(dir, 'base.json')
    writeFileSync(file, JSON.stringify(def))
    expect(() => loadSeed({ file })).toThrow(/table "T" field "F": /)
  })
})

describe('the example definition file', () => {
  test('examples/shop.json loads with `--base`, its computed fields filled', () => {
    const file = new URL('./examples/shop.json', import.meta.url).pathname
    const base = loadSeed({ file })
    const render = base.renderer('Customers')
    const ada = base
      .list('Customers')
      .map((r) => render(r))
      .find((r) => r.fields['Name'] === 'Ada')
    expect(ada?.fields).toMatchObject({
      'Order Count': 2,
      Spent: 155.5,
      'Customer Since': '2025-03-01T09:00:00.000Z',
    })
    const open = base
      .list('Orders', { view: 'Open' })
      .map((r) => base.renderer('Orders')(r).fields['Summary'])
    expect(open).toEqual(['B-1: Open', 'A-2: Open'])
  })
})
