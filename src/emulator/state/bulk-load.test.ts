import { describe, expect, test } from 'vitest'
import { EmulatedBase } from './base.ts'
import { API, byName, errorOf, makeBase } from './testing.ts'
import type { SeedRecordInput } from './types.ts'

const ANN = 'recAnnAnnAnnAnn01'
const BOB = 'recBobBobBobBob01'
const S1 = 'recSessionOne0001'
const S2 = 'recSessionTwo0001'

const people: SeedRecordInput[] = [
  { id: ANN, createdTime: '2025-05-01T10:00:00.000Z', fields: { Name: 'Ann', Age: 30 } },
  { id: BOB, fields: { Name: 'Bob', Age: 40, Tags: ['a', 'b'] } },
]
const sessions: SeedRecordInput[] = [
  { id: S1, fields: { Ref: 'S-1', Person: [ANN], Amount: 10 } },
  { id: S2, fields: { Ref: 'S-2', Person: [ANN, BOB], Amount: 5.5 } },
]

/** Listener-free copies of one fixture base with one person already in it. */
function quietBases(): { base: EmulatedBase; other: EmulatedBase; carl: string } {
  const { base, clock } = makeBase()
  const [carl] = base.insertRecords(
    'People',
    [{ id: 'recCarlCarlCarl01', fields: { Name: 'Carl', Age: 50 } }],
    API,
  )
  return {
    base: EmulatedBase.fromSnapshot(base.toSnapshot(), { clock }),
    other: EmulatedBase.fromSnapshot(base.toSnapshot(), { clock }),
    carl: carl?.id ?? '',
  }
}

const quietBase = quietBases

describe('EmulatedBase.bulkInsert', () => {
  test('links point at records of the same load, both ways symmetric, computed fields filled', () => {
    const { base } = quietBase()
    const ids = base.bulkInsert(
      [
        { table: 'Sessions', records: sessions },
        { table: 'People', records: people },
      ],
      API,
    )
    expect(ids).toEqual([
      [S1, S2],
      [ANN, BOB],
    ])
    expect(byName(base, 'People', base.get('People', ANN))).toMatchObject({
      Sessions: [S1, S2],
      'Session Count': 2,
      Total: 15.5,
      Label: 'Ann (30)',
    })
    expect(byName(base, 'Sessions', base.get('Sessions', S2))).toMatchObject({
      'Person Name': ['Ann', 'Bob'],
      No: 2,
    })
    expect(base.get('People', ANN).createdTime).toBe('2025-05-01T10:00:00.000Z')
  })

  test('equals the same records inserted one request at a time, old records touched alike', () => {
    const pair = quietBases()
    const one = { base: pair.base, carl: pair.carl }
    const other = { base: pair.other }
    const extra: SeedRecordInput = { id: 'recSessionCarl001', fields: { Ref: 'S-3' } }
    const linked = { ...extra, fields: { ...extra.fields, Person: [one.carl] } }
    const before = one.base.get('People', one.carl)
    one.base.bulkInsert(
      [
        { table: 'People', records: people },
        { table: 'Sessions', records: [...sessions, linked] },
      ],
      API,
    )
    other.base.insertRecords('People', people.slice(0, 1), API)
    other.base.insertRecords('People', people.slice(1), API)
    for (const session of [...sessions, linked])
      other.base.insertRecords('Sessions', [session], API)
    const a = one.base.toSnapshot()
    const b = other.base.toSnapshot()
    expect(a.tables.map((t) => t.records)).toEqual(b.tables.map((t) => t.records))
    expect(a.autoNumbers).toEqual(b.autoNumbers)
    // Stored records are immutable values: Carl was copied before his inverse cell changed.
    const inverse = one.base.table('People').fields.find((f) => f.name === 'Sessions')?.id ?? ''
    expect(inverse).not.toBe('')
    expect(before.cells[inverse]).toBeUndefined()
    expect(byName(one.base, 'People', one.base.get('People', one.carl))).toMatchObject({
      Sessions: ['recSessionCarl001'],
      'Session Count': 1,
    })
  })

  test('nobody listening: no transaction number is taken', () => {
    const { base } = quietBase()
    const number = base.transactionNumber
    base.bulkInsert([{ table: 'People', records: people }], API)
    expect(base.transactionNumber).toBe(number)
  })

  test('with a listener: one transaction reports every created record with its computed cells', () => {
    const { base, transactions } = makeBase()
    base.bulkInsert(
      [
        { table: 'People', records: people },
        { table: 'Sessions', records: sessions },
      ],
      API,
    )
    expect(transactions).toHaveLength(1)
    const tx = transactions[0]
    const peopleId = base.table('People').id
    const created = tx?.tables.get(peopleId)?.createdRecords
    expect([...(created?.keys() ?? [])]).toEqual([ANN, BOB])
    const label = base.table('People').fields.find((f) => f.name === 'Label')?.id ?? ''
    expect(created?.get(ANN)?.cells[label]).toBe('Ann (30)')
    expect(tx?.tables.get(base.table('Sessions').id)?.createdRecords.size).toBe(2)
  })

  test('atomic: a bad cell anywhere changes nothing and takes no autoNumber', () => {
    for (const { base } of [makeBase(), quietBase()]) {
      const counts = [base.count('People'), base.count('Sessions')]
      const error = errorOf(() =>
        base.bulkInsert(
          [
            { table: 'Sessions', records: sessions },
            { table: 'People', records: [...people, { fields: { Age: 'old' } }] },
          ],
          API,
        ),
      )
      expect(error.type).toBe('INVALID_VALUE_FOR_COLUMN')
      expect([base.count('People'), base.count('Sessions')]).toEqual(counts)
      const [made] = base.create('Sessions', [{ fields: { Ref: 'after' } }], API)
      expect(byName(base, 'Sessions', made!)['No']).toBe(1)
    }
  })

  test('a link to a record in neither the base nor the load is ROW_DOES_NOT_EXIST', () => {
    const { base } = quietBase()
    const error = errorOf(() =>
      base.bulkInsert(
        [{ table: 'Sessions', records: [{ fields: { Person: ['recNowhere0000001'] } }] }],
        API,
      ),
    )
    expect(error.type).toBe('ROW_DOES_NOT_EXIST')
    expect(base.count('Sessions')).toBe(0)
  })
})
