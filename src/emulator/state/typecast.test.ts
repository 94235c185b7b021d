import { describe, expect, test } from 'vitest'
import { API, byName, errorOf, makeBase } from './testing.ts'

const CAST = { ...API, typecast: true }

describe('typecast', () => {
  test.each([
    ['Age', '1,234', 1234],
    ['Age', 42, 42],
    ['Score', '50%', 0.5],
    ['Active', 'true', true],
    ['Active', 1, true],
    ['Born', '2024-03-15T10:00:00.000Z', '2024-03-15'],
    ['Born', 'March 15, 2024', '2024-03-15'],
    ['Notes', 12, '12'],
    ['Tags', 'a, c', ['a', 'c']],
    ['Seen', '2026-01-15 09:30', '2026-01-15T14:30:00.000Z'],
  ])('%s ← %j reads back %j', (field, input, expected) => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { [field]: input } }], CAST)
    expect(byName(base, 'People', rec!)[field]).toEqual(expected)
  })

  test('an unconvertible value still fails', () => {
    const { base } = makeBase()
    expect(errorOf(() => base.create('People', [{ fields: { Age: 'many' } }], CAST)).type).toBe(
      'INVALID_VALUE_FOR_COLUMN',
    )
  })

  test('unknown select names become new choices, recorded as a field change in the same transaction', () => {
    const { base, transactions } = makeBase()
    const [rec] = base.create('People', [{ fields: { Status: 'Banned', Tags: ['a', 'z'] } }], CAST)
    expect(byName(base, 'People', rec!)).toMatchObject({ Status: 'Banned', Tags: ['a', 'z'] })
    const status = base.table('People').fields.find((f) => f.name === 'Status')!
    expect(status.options?.choices?.map((c) => c.name)).toEqual([
      'Pending',
      'Verified',
      'Rejected',
      'Banned',
    ])
    expect(status.options?.choices?.at(-1)?.id).toMatch(/^sel[A-Za-z0-9]{14}$/)
    expect(transactions).toHaveLength(1)
    expect(
      transactions[0]!.tables.get('tblPeople00000001')!.changedFields.get(status.id)!.previous
        .options?.choices,
    ).toHaveLength(3)
  })

  test('new choices are not created when the request fails', () => {
    const { base } = makeBase()
    errorOf(() =>
      base.create('People', [{ fields: { Status: 'Banned' } }, { fields: { Age: 'x' } }], CAST),
    )
    expect(
      base.table('People').fields.find((f) => f.name === 'Status')!.options?.choices,
    ).toHaveLength(3)
  })

  test('links by record id or by primary-field text [?]', () => {
    const { base } = makeBase()
    const [ada] = base.create('People', [{ fields: { Name: 'Ada' } }], API)
    const [s1, s2] = base.create(
      'Sessions',
      [{ fields: { Person: 'Ada' } }, { fields: { Person: ada!.id } }],
      CAST,
    )
    expect(byName(base, 'Sessions', s1!)['Person']).toEqual([ada!.id])
    expect(byName(base, 'Sessions', s2!)['Person']).toEqual([ada!.id])
    expect(
      errorOf(() => base.create('Sessions', [{ fields: { Person: 'Nobody' } }], CAST)).type,
    ).toBe('ROW_DOES_NOT_EXIST')
    const strict = makeBase({ typecastLinksByPrimaryText: false }).base
    strict.create('People', [{ fields: { Name: 'Ada' } }], API)
    expect(
      errorOf(() => strict.create('Sessions', [{ fields: { Person: 'Ada' } }], CAST)).type,
    ).toBe('ROW_DOES_NOT_EXIST')
  })
})

describe('typecast never invents odd values', () => {
  test('objects in a select list are rejected, not turned into "[object Object]" choices', () => {
    const { base } = makeBase()
    expect(
      errorOf(() => base.create('People', [{ fields: { Tags: [{ name: 'a' }] } }], CAST)).type,
    ).toBe('INVALID_VALUE_FOR_COLUMN')
    expect(
      base.table('People').fields.find((f) => f.name === 'Tags')!.options?.choices,
    ).toHaveLength(3)
  })
})
