import { describe, expect, test } from 'vitest'
import { API, byName, errorOf, makeBase } from './testing.ts'

const UPSERT = { ...API, destructive: false, fieldsToMergeOn: ['Email'] }

describe('upsert (performUpsert)', () => {
  test('no match creates, one match updates; request order kept; created/updated ids reported', () => {
    const { base, transactions } = makeBase()
    const [existing] = base.create(
      'People',
      [{ fields: { Email: 'a@x.test', Name: 'A', Age: 1 } }],
      API,
    )
    const result = base.upsert(
      'People',
      [{ fields: { Email: 'b@x.test', Name: 'B' } }, { fields: { Email: 'a@x.test', Name: 'A2' } }],
      UPSERT,
    )
    expect(result.updatedRecords).toEqual([existing!.id])
    expect(result.createdRecords).toHaveLength(1)
    expect(result.records.map((r) => r.id)).toEqual([result.createdRecords[0], existing!.id])
    expect(byName(base, 'People', result.records[1]!)).toMatchObject({ Name: 'A2', Age: 1 })
    expect(transactions).toHaveLength(2)
  })

  test('PUT upsert replaces the matched record', () => {
    const { base } = makeBase()
    base.create('People', [{ fields: { Email: 'a@x.test', Name: 'A', Age: 1 } }], API)
    const { records } = base.upsert('People', [{ fields: { Email: 'a@x.test', Name: 'A2' } }], {
      ...UPSERT,
      destructive: true,
    })
    expect(byName(base, 'People', records[0]!)).not.toHaveProperty('Age')
  })

  test('records with id are plain updates and never create', () => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { Email: 'a@x.test' } }], API)
    const result = base.upsert('People', [{ id: rec!.id, fields: { Name: 'N' } }], UPSERT)
    expect(result).toMatchObject({ createdRecords: [], updatedRecords: [rec!.id] })
    expect(
      errorOf(() => base.upsert('People', [{ id: 'recNope0000000001', fields: {} }], UPSERT)).type,
    ).toBe('ROW_DOES_NOT_EXIST')
  })

  test('more than one match fails the whole request [?]', () => {
    const { base } = makeBase()
    base.create(
      'People',
      [{ fields: { Email: 'a@x.test' } }, { fields: { Email: 'a@x.test' } }],
      API,
    )
    const error = errorOf(() =>
      base.upsert(
        'People',
        [{ fields: { Email: 'new@x.test' } }, { fields: { Email: 'a@x.test' } }],
        UPSERT,
      ),
    )
    expect([error.status, error.type]).toEqual([422, 'INVALID_UPSERT'])
    expect(base.count('People')).toBe(2)
  })

  test('merging on two fields needs both to match', () => {
    const { base } = makeBase()
    base.create('People', [{ fields: { Email: 'a@x.test', Name: 'A' } }], API)
    const result = base.upsert('People', [{ fields: { Email: 'a@x.test', Name: 'B' } }], {
      ...UPSERT,
      fieldsToMergeOn: ['Email', 'Name'],
    })
    expect(result.createdRecords).toHaveLength(1)
  })

  test.each([
    [[], 'INVALID_UPSERT'],
    [['Email', 'Name', 'Age', 'Notes'], 'INVALID_UPSERT'],
    [['Nope'], 'UNKNOWN_FIELD_NAME'],
    [['Label'], 'INVALID_UPSERT'],
    [['Active'], 'INVALID_UPSERT'],
  ])('fieldsToMergeOn %j fails with %s', (fieldsToMergeOn, type) => {
    const { base } = makeBase()
    expect(
      errorOf(() =>
        base.upsert('People', [{ fields: { Email: 'a@x.test' } }], { ...UPSERT, fieldsToMergeOn }),
      ).type,
    ).toBe(type)
  })

  test('a record without id lacking a merge value is rejected', () => {
    const { base } = makeBase()
    expect(
      errorOf(() => base.upsert('People', [{ fields: { Name: 'no email' } }], UPSERT)).type,
    ).toBe('INVALID_UPSERT')
  })
})
