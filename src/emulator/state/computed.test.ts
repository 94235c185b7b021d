import { describe, expect, test } from 'vitest'
import { API, byName, makeBase } from './testing.ts'

const PATCH = { ...API, destructive: false }

function fieldId(base: ReturnType<typeof makeBase>['base'], table: string, name: string): string {
  return base.table(table).fields.find((f) => f.name === name)!.id
}

describe('computed fields', () => {
  test('autoNumber counts from 1 and never reuses numbers', () => {
    const { base } = makeBase()
    const [a, b] = base.create(
      'Sessions',
      [{ fields: { Ref: 'a' } }, { fields: { Ref: 'b' } }],
      API,
    )
    base.delete('Sessions', [b!.id], API)
    const [c] = base.create('Sessions', [{ fields: { Ref: 'c' } }], API)
    expect([a, c].map((r) => byName(base, 'Sessions', r!)['No'])).toEqual([1, 3])
  })

  test('autoNumber added to an existing table numbers records in creation order', () => {
    const { base } = makeBase()
    const recs = base.create('People', [{ fields: { Name: 'a' } }, { fields: { Name: 'b' } }], API)
    base.createField('People', { name: 'Seq', type: 'autoNumber' }, API)
    expect(recs.map((r) => byName(base, 'People', base.get('People', r.id))['Seq'])).toEqual([1, 2])
  })

  test('createdTime and lastModifiedTime follow the clock; edits move only lastModifiedTime', () => {
    const { base, clock } = makeBase()
    const [rec] = base.create('Sessions', [{ fields: { Ref: 'a' } }], API)
    expect(byName(base, 'Sessions', rec!)).toMatchObject({
      Created: '2026-01-01T12:00:00.000Z',
      Modified: '2026-01-01T12:00:00.000Z',
    })
    clock.advance(60_000)
    const [after] = base.update('Sessions', [{ id: rec!.id, fields: { Ref: 'b' } }], PATCH)
    expect(byName(base, 'Sessions', after!)).toMatchObject({
      Created: '2026-01-01T12:00:00.000Z',
      Modified: '2026-01-01T12:01:00.000Z',
    })
  })

  test('lastModifiedTime with referencedFieldIds ignores edits of other fields', () => {
    const { base, clock } = makeBase()
    base.createField(
      'People',
      { name: 'Age Changed', type: 'lastModifiedTime', options: { referencedFieldIds: ['Age'] } },
      API,
    )
    const [rec] = base.create('People', [{ fields: { Name: 'a' } }], API)
    expect(byName(base, 'People', rec!)).not.toHaveProperty('Age Changed')
    clock.advance(1000)
    base.update('People', [{ id: rec!.id, fields: { Age: 3 } }], PATCH)
    clock.advance(1000)
    const [after] = base.update('People', [{ id: rec!.id, fields: { Name: 'b' } }], PATCH)
    expect(byName(base, 'People', after!)['Age Changed']).toBe('2026-01-01T12:00:01.000Z')
  })

  test('formula fields recompute on edit and are stored with {fldID} references', () => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { Name: 'Ada', Age: 36 } }], API)
    expect(byName(base, 'People', rec!)['Label']).toBe('Ada (36)')
    const label = base.table('People').fields.find((f) => f.name === 'Label')!
    expect(label.options?.formula).toBe(
      `{fldName0000000001} & " (" & {${fieldId(base, 'People', 'Age')}} & ")"`,
    )
    expect(label.options?.referencedFieldIds).toEqual([
      'fldName0000000001',
      fieldId(base, 'People', 'Age'),
    ])
    base.updateField('People', { field: 'Name', name: 'Full Name' }, API)
    const [after] = base.update('People', [{ id: rec!.id, fields: { 'Full Name': 'Bea' } }], PATCH)
    expect(byName(base, 'People', after!)['Label']).toBe('Bea (36)')
  })

  test('formula errors and NaN are stored as Airtable shows them', () => {
    const { base } = makeBase()
    base.createField(
      'People',
      { name: 'Ratio', type: 'formula', options: { formula: '{Age} / 0' } },
      API,
    )
    base.createField(
      'People',
      { name: 'Zero', type: 'formula', options: { formula: '0 / 0' } },
      API,
    )
    const [rec] = base.create('People', [{ fields: { Age: 3 } }], API)
    const fields = byName(base, 'People', rec!)
    expect(fields['Ratio']).toEqual({ error: '#ERROR!' })
    expect(fields['Zero']).toEqual({ specialValue: 'NaN' })
  })

  test('a formula field created over existing records computes them all', () => {
    const { base } = makeBase()
    const recs = base.create('People', [{ fields: { Age: 1 } }, { fields: { Age: 2 } }], API)
    base.createField(
      'People',
      { name: 'Double', type: 'formula', options: { formula: 'Age * 2' } },
      API,
    )
    expect(recs.map((r) => byName(base, 'People', base.get('People', r.id))['Double'])).toEqual([
      2, 4,
    ])
    base.updateField('People', { field: 'Double', options: { formula: 'Age * 3' } }, API)
    expect(recs.map((r) => byName(base, 'People', base.get('People', r.id))['Double'])).toEqual([
      3, 6,
    ])
  })

  test('lookup, count and rollup follow links, including later edits of the linked records', () => {
    const { base, transactions } = makeBase()
    const [ada] = base.create('People', [{ fields: { Name: 'Ada' } }], API)
    const [s1, s2] = base.create(
      'Sessions',
      [
        { fields: { Ref: 's1', Person: [ada!.id], Amount: 10 } },
        { fields: { Ref: 's2', Person: [ada!.id], Amount: 5.5 } },
      ],
      API,
    )
    expect(byName(base, 'People', base.get('People', ada!.id))).toMatchObject({
      'Session Count': 2,
      Total: 15.5,
    })
    expect(byName(base, 'Sessions', base.get('Sessions', s1!.id))['Person Name']).toEqual(['Ada'])

    transactions.length = 0
    base.update('People', [{ id: ada!.id, fields: { Name: 'Ada L.' } }], PATCH)
    expect(byName(base, 'Sessions', base.get('Sessions', s2!.id))['Person Name']).toEqual([
      'Ada L.',
    ])
    // The lookups recomputed in the other table are part of the same transaction.
    const sessions = transactions[0]!.tables.get('tblSessions000001')!
    expect([...sessions.changedRecords.keys()].sort()).toEqual([s1!.id, s2!.id].sort())
    expect(sessions.changedRecords.get(s1!.id)!.current).toEqual({
      [fieldId(base, 'Sessions', 'Person Name')]: ['Ada L.'],
    })

    base.update('Sessions', [{ id: s1!.id, fields: { Amount: 20 } }], PATCH)
    expect(byName(base, 'People', base.get('People', ada!.id))['Total']).toBe(25.5)
    base.delete('Sessions', [s2!.id], API)
    expect(byName(base, 'People', base.get('People', ada!.id))).toMatchObject({
      'Session Count': 1,
      Total: 20,
    })
  })

  test.each([
    ['MAX(values)', 7],
    ['MIN(values)', 2],
    ['COUNTA(values)', 3],
    ['ARRAYJOIN(values, "; ")', '2; 7; 4'],
    ['SUM(values)', 13],
  ])('rollup %s', (aggregation, expected) => {
    const { base } = makeBase()
    base.createField(
      'People',
      {
        name: 'Agg',
        type: 'rollup',
        options: { recordLinkFieldId: 'Sessions', fieldIdInLinkedTable: 'Amount', aggregation },
      },
      API,
    )
    const [p] = base.create('People', [{ fields: { Name: 'P' } }], API)
    base.create(
      'Sessions',
      [2, 7, 4].map((amount) => ({ fields: { Person: [p!.id], Amount: amount } })),
      API,
    )
    expect(byName(base, 'People', base.get('People', p!.id))['Agg']).toEqual(expected)
  })

  test('count is 0 (kept, not omitted) without links', () => {
    const { base } = makeBase()
    const [p] = base.create('People', [{ fields: { Name: 'P' } }], API)
    expect(byName(base, 'People', p!)['Session Count']).toBe(0)
  })

  test('a formula over a lookup in another table recomputes transitively', () => {
    const { base } = makeBase()
    base.createField(
      'Sessions',
      { name: 'Who', type: 'formula', options: { formula: '"with " & {Person Name}' } },
      API,
    )
    const [p] = base.create('People', [{ fields: { Name: 'Ada' } }], API)
    const [s] = base.create('Sessions', [{ fields: { Person: [p!.id] } }], API)
    base.update('People', [{ id: p!.id, fields: { Name: 'Bea' } }], PATCH)
    expect(byName(base, 'Sessions', base.get('Sessions', s!.id))['Who']).toBe('with Bea')
  })

  test('a failure while recomputing rolls the whole write back', () => {
    const { base } = makeBase()
    const [p] = base.create('People', [{ fields: { Name: 'Ada', Age: 1 } }], API)
    const before = base.toSnapshot()
    // A self-referencing formula is refused at creation, so the base stays as it was.
    expect(() =>
      base.createField(
        'People',
        { name: 'Loop', type: 'formula', options: { formula: '{Loop} + 1' } },
        API,
      ),
    ).toThrow()
    expect(base.toSnapshot()).toEqual(before)
    expect(base.get('People', p!.id).cells).toEqual(before.tables[0]!.records[0]!.cells)
  })
})

describe('formula result types', () => {
  test.each([
    ['DATEADD({Born}, 1, "days")', 'dateTime'],
    ['{Age} * 2', 'number'],
    ['{Name} & "!"', 'singleLineText'],
    ['{Born}', 'date'],
    ['IF({Age} > 1, "a", "b")', 'singleLineText'],
    ['IF({Age} > 1, "a", 2)', undefined],
  ])('%s → %s', (formula, type) => {
    const { base } = makeBase()
    const field = base.createField(
      'People',
      { name: 'F', type: 'formula', options: { formula } },
      API,
    )
    expect(field.options?.result?.type).toBe(type)
  })

  test('a date formula reads back as a date in string format and in other formulas', () => {
    const { base } = makeBase()
    base.createField(
      'People',
      { name: 'Next', type: 'formula', options: { formula: 'DATEADD({Born}, 1, "days")' } },
      API,
    )
    base.createField(
      'People',
      { name: 'Next Year', type: 'formula', options: { formula: 'YEAR({Next})' } },
      API,
    )
    const [rec] = base.create('People', [{ fields: { Born: '2024-12-31' } }], API)
    expect(byName(base, 'People', rec!)).toMatchObject({
      Next: '2025-01-01T00:00:00.000Z',
      'Next Year': 2025,
    })
    const text = base.renderer('People', {
      cellFormat: 'string',
      timeZone: 'UTC',
      userLocale: 'en-us',
    })(rec!)
    expect(text.fields['Next']).toBe('1/1/2025 12:00am')
  })
})

test('changing a formula re-infers its result type', () => {
  const { base } = makeBase()
  base.createField('People', { name: 'F', type: 'formula', options: { formula: '{Age} * 2' } }, API)
  expect(
    base.updateField('People', { field: 'F', options: { formula: '{Name} & ""' } }, API).options
      ?.result?.type,
  ).toBe('singleLineText')
})
